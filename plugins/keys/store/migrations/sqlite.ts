import type { Migration } from '../migrate.ts';

/** Append only: a released migration is never edited, a change is a new number. */
export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'keys, teams, spend, roll-ups, audit',
    sql: `
CREATE TABLE keys (
  token TEXT PRIMARY KEY,
  key_name TEXT NOT NULL,
  key_alias TEXT UNIQUE,
  spend INTEGER NOT NULL DEFAULT 0,
  max_budget INTEGER,
  soft_budget INTEGER,
  budget_duration TEXT,
  budget_reset_at INTEGER,
  expires INTEGER,
  models TEXT NOT NULL DEFAULT '[]',
  tpm_limit INTEGER,
  rpm_limit INTEGER,
  max_parallel_requests INTEGER,
  model_rpm_limit TEXT NOT NULL DEFAULT '{}',
  model_tpm_limit TEXT NOT NULL DEFAULT '{}',
  team_id TEXT,
  user_id TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  tags TEXT NOT NULL DEFAULT '[]',
  blocked INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_active INTEGER,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX keys_team_idx ON keys (team_id);
CREATE INDEX keys_created_idx ON keys (created_at, token);

CREATE TABLE teams (
  team_id TEXT PRIMARY KEY,
  team_alias TEXT,
  models TEXT NOT NULL DEFAULT '[]',
  spend INTEGER NOT NULL DEFAULT 0,
  max_budget INTEGER,
  budget_duration TEXT,
  budget_reset_at INTEGER,
  tpm_limit INTEGER,
  rpm_limit INTEGER,
  max_parallel_requests INTEGER,
  metadata TEXT NOT NULL DEFAULT '{}',
  blocked INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
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
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  completion_start_time INTEGER,
  request_duration_ms INTEGER NOT NULL,
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  total_tokens INTEGER NOT NULL,
  cache_read_input_tokens INTEGER NOT NULL,
  cache_creation_input_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  spend INTEGER,
  cache_hit INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_code INTEGER,
  error_type TEXT,
  attempts INTEGER NOT NULL,
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
  requests INTEGER NOT NULL,
  failed_requests INTEGER NOT NULL,
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  total_tokens INTEGER NOT NULL,
  spend INTEGER NOT NULL,
  unpriced_requests INTEGER NOT NULL,
  PRIMARY KEY (day, api_key, team_id, model)
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
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
    // The client's x-request-id may repeat (a retrying client, or one that always sends the
    // same): keyed by it, a second request's row was skipped and its spend never accrued. Rows
    // are now keyed by the gateway's own time-ordered id, which also appends to the index
    // instead of writing a random page of it per row (a random UUID key made inserts ~2x dearer).
    name: 'spend_logs keyed by the gateway\'s log_id, request_id may repeat',
    sql: `
CREATE TABLE spend_logs_next (
  log_id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  call_type TEXT NOT NULL,
  api_key TEXT,
  key_alias TEXT,
  team_id TEXT,
  end_user TEXT,
  model TEXT NOT NULL,
  model_group TEXT,
  custom_llm_provider TEXT,
  model_id TEXT,
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  completion_start_time INTEGER,
  request_duration_ms INTEGER NOT NULL,
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  total_tokens INTEGER NOT NULL,
  cache_read_input_tokens INTEGER NOT NULL,
  cache_creation_input_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  spend INTEGER,
  cache_hit INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_code INTEGER,
  error_type TEXT,
  attempts INTEGER NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO spend_logs_next (log_id, request_id, call_type, api_key, key_alias, team_id, end_user, model, model_group, custom_llm_provider, model_id, start_time, end_time, completion_start_time, request_duration_ms, prompt_tokens, completion_tokens, total_tokens, cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens, spend, cache_hit, status, status_code, error_type, attempts, metadata) SELECT request_id, request_id, call_type, api_key, key_alias, team_id, end_user, model, model_group, custom_llm_provider, model_id, start_time, end_time, completion_start_time, request_duration_ms, prompt_tokens, completion_tokens, total_tokens, cache_read_input_tokens, cache_creation_input_tokens, reasoning_tokens, spend, cache_hit, status, status_code, error_type, attempts, metadata FROM spend_logs;
DROP TABLE spend_logs;
ALTER TABLE spend_logs_next RENAME TO spend_logs;
CREATE INDEX spend_logs_time_idx ON spend_logs (start_time);
CREATE INDEX spend_logs_key_idx ON spend_logs (api_key, start_time);
CREATE INDEX spend_logs_team_idx ON spend_logs (team_id, start_time);
`,
  },
];
