import { StoreError } from './errors.ts';
import type { Page, PageQuery } from './types.ts';

/** The largest page any list returns (LiteLLM's key list took its service down unpaginated). */
export const MAX_PAGE_SIZE = 100;

/** Refuses, never clamps: the admin API validates first, so a bad page here is a bug. */
export function checkPage(q: PageQuery): void {
  if (!Number.isSafeInteger(q.page) || q.page < 1) throw new StoreError('invalid_value', 'page must be ≥ 1', 'page');
  if (!Number.isSafeInteger(q.size) || q.size < 1 || q.size > MAX_PAGE_SIZE) {
    throw new StoreError('invalid_value', `size must be 1..${MAX_PAGE_SIZE}`, 'size');
  }
}

export function pageOf<R>(rows: readonly R[], total: number, q: PageQuery): Page<R> {
  return { rows, total, page: q.page, size: q.size, total_pages: Math.ceil(total / q.size) };
}
