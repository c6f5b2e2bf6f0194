import { createHash } from 'node:crypto';

/**
 * SHA-256 (hex) of the UTF-8 prompt text. With prompt retention off this is all the audit log
 * keeps of a prompt: enough to prove later that a given text was (or was not) the one decided on.
 *
 * @example
 * promptDigest('hello') // '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'
 */
export function promptDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

interface Mask {
  readonly pattern: RegExp;
  readonly replace: (match: string, ...groups: string[]) => string;
}

const keep = (match: string): string => match;

/**
 * Secrets and personal data an excerpt must not carry, most specific first (a bearer token that
 * is also a JWT is masked once, as a token). Every quantifier is bounded or anchored by a
 * lookbehind so a long run without a match cannot make a pattern quadratic.
 */
const MASKS: readonly Mask[] = [
  {
    pattern: /-----BEGIN[A-Z ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z ]{0,40}PRIVATE KEY-----|$)/g,
    replace: () => '[private-key]',
  },
  // RFC 6750 bearer credentials, e.g. a pasted `Authorization: Bearer …` header.
  // The token must look like one (a digit, a symbol or 20+ characters) so prose such as
  // "the bearer information" stays readable.
  {
    pattern: /\b(bearer)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi,
    // eslint-disable-next-line max-params -- String.replace's callback signature
    replace: (match, word, space, token) => (/[0-9._~+/=-]/.test(token) || token.length >= 20 ? `${word}${space}[token]` : match),
  },
  // JSON Web Tokens: base64url header starting `{"` (eyJ), payload, signature.
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: () => '[token]' },
  // Provider and Rampart API keys: OpenAI/Anthropic `sk-…`, Stripe `sk_live_…`/`rk_live_…`,
  // Rampart `rk_<id>_<secret>`, GitHub `ghp_…`, Slack `xox?-…`, Google `AIza…`.
  {
    pattern: /(?<![A-Za-z0-9])(?:sk-[A-Za-z0-9_-]{16,}|(?:sk|rk|pk)_[A-Za-z0-9_-]{12,}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[A-Za-z0-9_-]{30,})/g,
    replace: () => '[api-key]',
  },
  // AWS access key ids (long-term AKIA…, temporary ASIA…).
  { pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, replace: () => '[api-key]' },
  {
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    replace: () => '[email]',
  },
  // Long hex strings: SHA digests, API secrets, session ids.
  { pattern: /(?<![A-Za-z0-9])[0-9a-fA-F]{32,}(?![A-Za-z0-9])/g, replace: () => '[secret]' },
  // Long base64/base64url runs that mix letters and digits: random secrets, not prose.
  {
    pattern: /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,2}/g,
    replace: (match) => (/[0-9]/.test(match) && /[A-Za-z]/.test(match) ? '[secret]' : keep(match)),
  },
  // Card-like: 13–19 digits, optionally grouped by single spaces or dashes. No Luhn check: an
  // excerpt is better over-masked than leaking a real number that happens to fail it.
  { pattern: /(?<![0-9])(?:[0-9][ -]?){12,18}[0-9](?![0-9])/g, replace: () => '[card]' },
  // Phone-like: optional +country code and (area), then 2–5 digit groups; 7–15 digits in all
  // (E.164 allows 15). Bare digit runs under 10 digits and ISO dates are left alone.
  {
    pattern: /(?<![\w+])(?:\+[0-9]{1,3}[ .-]?)?(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{2,5}(?:[ .-]?[0-9]{2,5}){1,4}(?![\w])/g,
    replace: (match) => {
      const digits = match.replace(/[^0-9]/g, '').length;
      if (digits < 7 || digits > 15) return match;
      if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(match)) return match;
      if (/^[0-9]+$/.test(match) && digits < 10) return match;
      return '[phone]';
    },
  },
];

/**
 * Masks secrets and personal data in `text`: private keys, bearer tokens, JWTs, API keys,
 * emails, long hex/base64 secrets, card-like and phone-like digit runs.
 *
 * @example
 * maskSensitive('mail bob@example.com, key sk-abcdefghijklmnop1234') // 'mail [email], key [api-key]'
 */
export function maskSensitive(text: string): string {
  let out = text;
  for (const mask of MASKS) out = out.replace(mask.pattern, mask.replace as (match: string, ...rest: unknown[]) => string);
  return out;
}

/** Masked text near the cut may hide a partial secret; this much beyond the excerpt is masked too. */
const CONTEXT_CHARS = 1024;

/**
 * A short excerpt of `text` for the audit log and the review console: secrets and personal data
 * masked first, then cut to `maxChars` characters with an ellipsis.
 *
 * Masking happens before cutting, over a window longer than the excerpt, so a secret that
 * straddles the cut is recognized whole and never leaks as a fragment. The window grows when
 * masking shrinks the text, so huge prompts cost only what the excerpt needs.
 *
 * @example
 * redactedExcerpt('Call me at +1 415 555 0100 about the invoice', 20) // 'Call me at [phone] a…'
 */
export function redactedExcerpt(text: string, maxChars: number): string {
  if (maxChars <= 0 || text.length === 0) return '';
  let window = maxChars + CONTEXT_CHARS;
  let masked: string;
  for (;;) {
    masked = maskSensitive(text.slice(0, window));
    // Enough masked text beyond the cut that no straddling secret can reach back into the excerpt.
    if (window >= text.length || masked.length >= maxChars + CONTEXT_CHARS) break;
    window *= 2;
  }
  if (masked.length <= maxChars && window >= text.length) return masked;
  let cut = maxChars;
  // Never split a surrogate pair: a lone half would render as garbage.
  const code = masked.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${masked.slice(0, cut)}…`;
}
