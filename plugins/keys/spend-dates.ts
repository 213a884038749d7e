const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A `start_date` / `end_date` of `/spend/logs/v2` as a time bound (ms), for `startTime >= start`
 * and `startTime < end`. `YYYY-MM-DD` is a whole UTC day, so an end date includes its day (as in
 * LiteLLM); an ISO 8601 date-time is that instant, UTC when it has no offset. `undefined` for
 * anything else, including dates that do not exist (`2026-02-30`), so the API can answer 400.
 */
export function parseSpendDate(text: string, bound: 'start' | 'end'): number | undefined {
  const day = DATE.exec(text);
  if (day !== null) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const at = Date.UTC(y, m - 1, d);
    const back = new Date(at);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return undefined;
    return bound === 'end' ? at + DAY_MS : at;
  }
  const match = DATE_TIME.exec(text);
  if (match === null) return undefined;
  const at = Date.parse(match[3] === undefined ? `${text}Z` : text);
  return Number.isNaN(at) ? undefined : at;
}
