// Form values (strings, as inputs hold them) to admin API bodies and back.

/** How each field of a key or team form is read. */
export const kinds = {
  key_alias: 'text',
  team_alias: 'text',
  team_id: 'text',
  models: 'list',
  rpm_limit: 'count',
  tpm_limit: 'count',
  max_parallel_requests: 'count',
  max_budget: 'usd',
  budget_duration: 'text',
  duration: 'text',
};

/** A record's fields as form strings. */
export function formValues(record, names) {
  const values = {};
  for (const name of names) {
    const v = record?.[name];
    values[name] = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v);
  }
  return values;
}

/** One form string as the API wants it: '' is null (cleared), lists split on commas. Throws naming the field. */
function parse(name, text, label) {
  const trimmed = text.trim();
  switch (kinds[name]) {
    case 'list':
      return trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'count':
      if (trimmed === '') return null;
      if (!/^\d{1,15}$/.test(trimmed)) throw new Error(`${label} must be a whole number`);
      return Number(trimmed);
    case 'usd': {
      if (trimmed === '') return null;
      const n = Number(trimmed);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${label} must be an amount in USD`);
      return n;
    }
    default:
      return trimmed === '' ? null : trimmed;
  }
}

/**
 * The body of a create (`initial` undefined: empty fields left out) or of an edit (only the fields
 * that changed, a cleared one as null).
 */
export function bodyFrom(values, labels, initial) {
  const body = {};
  for (const [name, text] of Object.entries(values)) {
    if (initial === undefined) {
      if (text.trim() === '') continue;
    } else if (text.trim() === (initial[name] ?? '').trim()) {
      continue;
    }
    body[name] = parse(name, text, labels[name] ?? name);
  }
  return body;
}
