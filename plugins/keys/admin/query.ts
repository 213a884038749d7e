import { invalidParam } from 'switchyard';
import { MAX_PAGE_SIZE, type PageQuery } from '../store/index.ts';

/** A query parameter that is present and not empty, else undefined. */
export function queryValue(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : value;
}

/** A positive whole number from the query string, or 400 naming it. */
function positive(query: URLSearchParams, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = queryValue(query, name);
  if (text === undefined) return fallback;
  const n = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= max)) throw invalidParam(name, `${name} must be a whole number from 1 to ${max}`);
  return n;
}

/** `page` (1-based) and a page size under `sizeName`, at most 100 (the store refuses more). */
export function pageQuery(query: URLSearchParams, sizeName: string, defaultSize: number): PageQuery {
  return { page: positive(query, 'page', 1), size: positive(query, sizeName, defaultSize, MAX_PAGE_SIZE) };
}

/** `true`/`false` (LiteLLM's query booleans), else 400. */
export function queryBoolean(query: URLSearchParams, name: string): boolean {
  const text = queryValue(query, name);
  if (text === undefined) return false;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw invalidParam(name, `${name} must be true or false`);
}
