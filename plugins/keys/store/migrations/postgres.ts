import type { Migration } from '../migrate.ts';

/** Append only: a released migration is never edited, a change is a new number. */
export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'keys, teams, spend, roll-ups, audit',
    sql: `
CREATE TABLE keys (
  token TEXT PRIMARY KEY,
  key_name TEXT NOT NULL,
  key_alias TEXT UNIQUE,
  spend BIGINT NOT NULL DEFAULT 0,
  max_budget BIGINT,
  soft_budget BIGINT,
  budget_duration TEXT,
  budget_reset_at BIGINT,
  expires BIGINT,
  models TEXT NOT NULL DEFAULT '[]',
  tpm_limit BIGINT,
  rpm_limit BIGINT,
  max_parallel_requests BIGINT,
  model_rpm_limit TEXT NOT NULL DEFAULT '{}',
  model_tpm_limit TEXT NOT NULL DEFAULT '{}',
  team_id TEXT,
  user_id TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  tags TEXT NOT NULL DEFAULT '[]',
  blocked SMALLINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_active BIGINT,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX keys_team_idx ON keys (team_id);
CREATE INDEX keys_created_idx ON keys (created_at, token);

CREATE TABLE teams (
  team_id TEXT PRIMARY KEY,
  team_alias TEXT,
  models TEXT NOT NULL DEFAULT '[]',
  spend BIGINT NOT NULL DEFAULT 0,
  max_budget BIGINT,
  budget_duration TEXT,
  budget_reset_at BIGINT,
  tpm_limit BIGINT,
  rpm_limit BIGINT,
  max_parallel_requests BIGINT,
  metadata TEXT NOT NULL DEFAULT '{}',
  blocked SMALLINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE spend_logs (
  request_id TEXT PRIMARY KEY,
  call_type TEXT NOT NULL,
  api_key TEXT,
  key_alias TEXT,
  team_id TEXT,
  end_user TEXT,
  model TEXT NOT NULL,
  model_group TEXT,
  custom_llm_provider TEXT,
  model_id TEXT,
  start_time BIGINT NOT NULL,
  end_time BIGINT NOT NULL,
  completion_start_time BIGINT,
  request_duration_ms BIGINT NOT NULL,
  prompt_tokens BIGINT NOT NULL,
  completion_tokens BIGINT NOT NULL,
  total_tokens BIGINT NOT NULL,
  cache_read_input_tokens BIGINT NOT NULL,
  cache_creation_input_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT NOT NULL,
  spend BIGINT,
  cache_hit SMALLINT NOT NULL,
  status TEXT NOT NULL,
  status_code BIGINT,
  error_type TEXT,
  attempts BIGINT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX spend_logs_time_idx ON spend_logs (start_time);
CREATE INDEX spend_logs_key_idx ON spend_logs (api_key, start_time);
CREATE INDEX spend_logs_team_idx ON spend_logs (team_id, start_time);

CREATE TABLE spend_daily (
  day TEXT NOT NULL,
  api_key TEXT NOT NULL,
  team_id TEXT NOT NULL,
  model TEXT NOT NULL,
  requests BIGINT NOT NULL,
  failed_requests BIGINT NOT NULL,
  prompt_tokens BIGINT NOT NULL,
  completion_tokens BIGINT NOT NULL,
  total_tokens BIGINT NOT NULL,
  spend BIGINT NOT NULL,
  unpriced_requests BIGINT NOT NULL,
  PRIMARY KEY (day, api_key, team_id, model)
);

CREATE TABLE audit_log (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  before_value TEXT,
  after_value TEXT
);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, id);
`,
  },
  {
    version: 2,
    // See the SQLite migration of the same number: rows keyed by the gateway's log_id, since
    // the client's x-request-id may repeat.
    name: "spend_logs keyed by the gateway's log_id, request_id may repeat",
    sql: `
ALTER TABLE spend_logs DROP CONSTRAINT spend_logs_pkey;
ALTER TABLE spend_logs ADD COLUMN log_id TEXT;
UPDATE spend_logs SET log_id = request_id;
ALTER TABLE spend_logs ALTER COLUMN log_id SET NOT NULL;
ALTER TABLE spend_logs ADD CONSTRAINT spend_logs_pkey PRIMARY KEY (log_id);
`,
  },
];
