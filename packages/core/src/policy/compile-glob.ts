/**
 * Globs for categories and reason codes: `*` matches any run of characters, dots included, so
 * `cyber.*` matches `cyber.impact` and `cyber.*` as a reason code matches `cyber.ransomware.build`.
 * Nothing else is special. Globs are compiled once when the policy loads because they are tested
 * on every request.
 */

/** Characters a glob may contain: those of category names, rule ids and model ids, plus `*`. */
export const GLOB_SYNTAX = /^[A-Za-z0-9_.:/*-]+$/;

export type StringMatcher = (value: string) => boolean;

const always: StringMatcher = () => true;

/**
 * Compiles one glob to the cheapest test that implements it: equality, `startsWith`, or, for
 * inner or leading stars, a left-to-right scan of the literal parts. No regular expressions:
 * this runs per finding per rule, and a scan cannot backtrack.
 *
 * @example
 * compileGlob('cyber.*')('cyber.impact') // true
 */
export function compileGlob(pattern: string): StringMatcher {
  const star = pattern.indexOf('*');
  if (star === -1) return (value) => value === pattern;
  if (/^\*+$/.test(pattern)) return always;
  if (star === pattern.length - 1) {
    const prefix = pattern.slice(0, -1);
    return (value) => value.startsWith(prefix);
  }
  const parts = pattern.split(/\*+/);
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).filter((part) => part.length > 0);
  const minLength = parts.reduce((sum, part) => sum + part.length, 0);
  return (value) => {
    if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    // Taking each middle part at its leftmost place leaves the most room for the rest, so a
    // greedy scan finds a match whenever one exists.
    let position = first.length;
    const end = value.length - last.length;
    for (const part of middle) {
      const at = value.indexOf(part, position);
      if (at === -1 || at + part.length > end) return false;
      position = at + part.length;
    }
    return true;
  };
}

/**
 * One matcher for a list of globs (any may match). Exact names go into a set so a long list of
 * plain names costs one lookup.
 *
 * @example
 * compileGlobList(['jailbreak', 'cyber.*'])('cyber.impact') // true
 */
export function compileGlobList(patterns: readonly string[]): StringMatcher {
  if (patterns.some((p) => /^\*+$/.test(p))) return always;
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const others = patterns.filter((p) => p.includes('*')).map(compileGlob);
  if (others.length === 0) return (value) => exact.has(value);
  return (value) => {
    if (exact.has(value)) return true;
    for (const matches of others) if (matches(value)) return true;
    return false;
  };
}

/**
 * Whether some string starting with `prefix` matches the glob. Used to refuse exceptions that
 * could ever suppress a protected finding, whatever reason code a future layer gives it.
 * Conservative: any glob that begins with `*` is treated as able to match.
 */
export function globCanMatchPrefix(pattern: string, prefix: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return pattern.startsWith(prefix);
  const literal = pattern.slice(0, star);
  return literal.startsWith(prefix) || prefix.startsWith(literal);
}
