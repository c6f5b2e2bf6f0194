import type { TextView } from '../contracts/detector.js';

/** Evidence excerpts are this long at most: enough to show where, without copying the prompt. */
export const MAX_EXCERPT_CHARS = 80;

/**
 * The views a detector scans: every non-raw view, plus the raw views of message parts that have
 * no other view (normalization disabled, or a custom normalizer that skipped them). Scanning a
 * raw view next to its normalized one would only find the same things twice.
 */
export function viewsToScan(views: readonly TextView[]): TextView[] {
  const covered = new Set<string>();
  for (const view of views) if (view.kind !== 'raw') covered.add(`${view.messageIndex}:${view.part}`);
  return views.filter((view) => view.kind !== 'raw' || !covered.has(`${view.messageIndex}:${view.part}`));
}

/** `text[start, end)` with whitespace collapsed, cut to MAX_EXCERPT_CHARS with an ellipsis. */
export function excerpt(text: string, start: number, end: number): string {
  const matched = text.slice(start, end).replace(/\s+/g, ' ');
  return matched.length <= MAX_EXCERPT_CHARS ? matched : `${matched.slice(0, MAX_EXCERPT_CHARS - 1)}…`;
}
