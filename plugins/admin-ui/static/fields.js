// Form fields the key and team dialogs share.

/** The limits a key and a team both have. */
export const limitFields = [
  { name: 'models', label: 'Models', placeholder: 'gpt-4o, openai/*', hint: 'Comma-separated; empty = every model' },
  { name: 'rpm_limit', label: 'Requests per minute', type: 'number', hint: 'Empty = no limit' },
  { name: 'tpm_limit', label: 'Tokens per minute', type: 'number', hint: 'Empty = no limit' },
  { name: 'max_parallel_requests', label: 'Parallel requests', type: 'number', hint: 'Empty = no limit' },
  { name: 'max_budget', label: 'Budget (USD)', type: 'number', hint: 'Empty = no budget' },
  { name: 'budget_duration', label: 'Budget period', placeholder: '30d, monthly', hint: 'Empty = the budget never resets' },
];
