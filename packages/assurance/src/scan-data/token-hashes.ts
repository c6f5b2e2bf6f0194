/**
 * Word tokens as 32-bit hashes, without allocating a string per token: the duplicate and trigger
 * analyses touch every token of every row, and at 50,000 rows a second there is no time for
 * string churn. A token is a run of letters and digits (any script) with inner apostrophes, dots,
 * hyphens or underscores, lowercased: `cf-zeta`, `don't`, `3.14`, `snake_case` are one token each.
 */

/** Tokens past this count in one row are ignored (a huge row costs no more than this many). */
export const MAX_ROW_TOKENS = 4096;

/** Whether a UTF-16 code unit (of lowercased text) belongs to a word. */
function isWordCode(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
  // Latin-1 punctuation and symbols, general punctuation (curly quotes, dashes, zero-width and
  // bidi controls), supplemental and CJK punctuation, variation selectors, BOM, fullwidth ASCII
  // punctuation: separators. Everything else outside ASCII is taken as a letter of some script.
  if (c <= 0xbf) return c === 0xaa || c === 0xb5 || c === 0xba;
  if (c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x206f) return false;
  if (c >= 0x2e00 && c <= 0x2e7f) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xfe00 && c <= 0xfe0f) return false;
  if (c === 0xfeff) return false;
  if (c >= 0xff00 && c <= 0xff0f) return false;
  return true;
}

/** Characters that join two word parts: `'`, `’`, `.`, `-`, `_`. */
function isJoiner(c: number): boolean {
  return c === 0x27 || c === 0x2e || c === 0x2d || c === 0x5f || c === 0x2019;
}

/**
 * Murmur3's finalizer: spreads every input bit over the whole word.
 *
 * @example
 * mix32(1) !== mix32(2); // true, and nearby inputs land far apart
 */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash of the token `lower[start, end)`: FNV-1a over code units, then mixed with the length. */
function hashRange(lower: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i += 1) h = Math.imul(h ^ lower.charCodeAt(i), 0x01000193);
  return mix32(h ^ (end - start));
}

/** The end of the token that starts at `start` (a word character). */
function tokenEnd(lower: string, start: number): number {
  const length = lower.length;
  let i = start + 1;
  for (;;) {
    while (i < length && isWordCode(lower.charCodeAt(i))) i += 1;
    if (i + 1 < length && isJoiner(lower.charCodeAt(i)) && isWordCode(lower.charCodeAt(i + 1))) {
      i += 2;
      continue;
    }
    return i;
  }
}

/**
 * Writes the token hashes of `text` into `out` (at most `out.length`) and returns how many.
 * One pass over the characters, hashing as it goes (the same hash as hashRange).
 *
 * @example
 * const out = new Uint32Array(MAX_ROW_TOKENS);
 * tokenHashes("Don't stop", out); // 2
 */
export function tokenHashes(text: string, out: Uint32Array): number {
  const lower = text.toLowerCase();
  return lowerRangeTokenHashes(lower, { start: 0, end: lower.length }, out);
}

/**
 * tokenHashes over `lower[range.start, range.end)`, text lowercased already: many rows joined
 * by a line break are lowercased in one call, not one allocation per row.
 *
 * @example
 * lowerRangeTokenHashes('ab cd\nef', { start: 0, end: 5 }, out); // 2
 */
export function lowerRangeTokenHashes(lower: string, range: { readonly start: number; readonly end: number }, out: Uint32Array): number {
  const { end } = range;
  const limit = out.length;
  let count = 0;
  let h = 0;
  let start = -1;
  for (let i = range.start; i < end; i += 1) {
    const c = lower.charCodeAt(i);
    if (isWordCode(c)) {
      if (start === -1) {
        start = i;
        h = 0x811c9dc5;
      }
      h = Math.imul(h ^ c, 0x01000193);
      continue;
    }
    if (start === -1) continue;
    if (isJoiner(c) && i + 1 < end && isWordCode(lower.charCodeAt(i + 1))) {
      h = Math.imul(h ^ c, 0x01000193);
      continue;
    }
    out[count] = mix32(h ^ (i - start));
    count += 1;
    start = -1;
    if (count === limit) return count;
  }
  if (start !== -1) {
    out[count] = mix32(h ^ (end - start));
    count += 1;
  }
  return count;
}

/**
 * The tokens of `text` as strings, with their hashes: the same tokens as tokenHashes, for
 * showing an n-gram found by its hash.
 *
 * @example
 * tokenStrings('Cf-Zeta here').tokens; // ['cf-zeta', 'here']
 */
export function tokenStrings(text: string): { readonly tokens: string[]; readonly hashes: number[] } {
  const lower = text.toLowerCase();
  const tokens: string[] = [];
  const hashes: number[] = [];
  let i = 0;
  while (i < lower.length && tokens.length < MAX_ROW_TOKENS) {
    if (!isWordCode(lower.charCodeAt(i))) {
      i += 1;
      continue;
    }
    const end = tokenEnd(lower, i);
    tokens.push(lower.slice(i, end));
    hashes.push(hashRange(lower, i, end));
    i = end;
  }
  return { tokens, hashes };
}
