/**
 * Credentials and personal data inside training text. A model trained on them can repeat them
 * (training-data extraction: Carlini et al., "Extracting Training Data from Large Language
 * Models", USENIX Security 2021), so a row holding one is quarantined. Core's audit redaction
 * (`maskSensitive`) only masks; here each kind is named, graded, and checked where a checksum
 * exists (Luhn for cards, ISO 13616 mod-97 for IBANs), so digit runs in maths problems are not
 * taken for card numbers. Every pattern is bounded, so a long row cannot make one quadratic.
 */
export type SecretCheck = 'secret' | 'pii';
export type SecretSeverity = 'high' | 'medium';

export interface SecretMatch {
  readonly check: SecretCheck;
  readonly kind: string;
  readonly severity: SecretSeverity;
  /** UTF-16 offsets of the match in the text. */
  readonly start: number;
  readonly end: number;
  /** The match with all but its first characters hidden. */
  readonly preview: string;
}

interface SecretPattern {
  readonly kind: string;
  readonly check: SecretCheck;
  readonly severity: SecretSeverity;
  readonly pattern: RegExp;
  /** Extra test on the match (checksums, entropy, reserved names). */
  readonly accept?: (match: RegExpExecArray) => boolean;
  /** Capture group holding the secret itself (default: the whole match). */
  readonly group?: number;
}

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616: move the first four characters to the end, letters to numbers, remainder mod 97 is 1. */
function ibanChecksum(iban: string): boolean {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/** Domains reserved for examples and tests (RFC 2606, RFC 6761): not anyone's address. */
const RESERVED_DOMAIN = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost|local)$/i;

const PATTERNS: readonly SecretPattern[] = [
  {
    kind: 'private-key',
    check: 'secret',
    severity: 'high',
    // The whole PEM block when its end is near, so a masked excerpt hides the key material too.
    pattern: /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,-]{0,8192}?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----)?/g,
  },
  { kind: 'aws-access-key-id', check: 'secret', severity: 'high', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  {
    kind: 'aws-secret-access-key',
    check: 'secret',
    severity: 'high',
    pattern: /aws_?secret_?(?:access_?)?key["']?\s{0,4}[:=]\s{0,4}["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 1,
  },
  { kind: 'github-token', check: 'secret', severity: 'high', pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})/g },
  { kind: 'slack-token', check: 'secret', severity: 'high', pattern: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,250}/g },
  { kind: 'slack-webhook', check: 'secret', severity: 'high', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{16,40}/g },
  { kind: 'stripe-key', check: 'secret', severity: 'high', pattern: /(?<![A-Za-z0-9])(?:sk|rk)_live_[A-Za-z0-9]{16,99}/g },
  { kind: 'stripe-test-key', check: 'secret', severity: 'medium', pattern: /(?<![A-Za-z0-9])(?:sk|rk)_test_[A-Za-z0-9]{16,99}/g },
  {
    kind: 'openai-style-key',
    check: 'secret',
    severity: 'high',
    pattern: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|ant-(?:api\d{2}-)?)?[A-Za-z0-9_-]{20,200}/g,
    // A real key mixes letters and digits; "sk-learn-compatible-estimator-class" does not.
    accept: (m) => /[0-9]/.test(m[0]) && /[A-Za-z]/.test(m[0].slice(3)),
  },
  { kind: 'google-api-key', check: 'secret', severity: 'high', pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  { kind: 'jwt', check: 'secret', severity: 'high', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,2000}\.eyJ[A-Za-z0-9_-]{8,4000}\.[A-Za-z0-9_-]{10,1000}/g },
  {
    kind: 'generic-secret-assignment',
    check: 'secret',
    severity: 'medium',
    pattern: /\b(?:api[_-]?key|api[_-]?secret|secret[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token|password|passwd)["']?\s{0,4}[:=]\s{0,4}["']([A-Za-z0-9_\-+/=.!@#$%^&*]{16,200})["']/gi,
    group: 1,
    // Random-looking values only: "password": "correct-horse-battery" has too little entropy per character.
    accept: (m) => {
      const value = m[1] ?? '';
      return entropy(value) >= 3.5 && /[0-9]/.test(value) && /[A-Za-z]/.test(value);
    },
  },
  {
    kind: 'email',
    check: 'pii',
    severity: 'medium',
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24})(?![A-Za-z0-9-])/g,
    accept: (m) => !RESERVED_DOMAIN.test(m[1] ?? ''),
  },
  {
    kind: 'credit-card',
    check: 'pii',
    severity: 'high',
    pattern: /(?<![0-9])(?:4[0-9]{3}|5[1-5][0-9]{2}|2[2-7][0-9]{2}|3[47][0-9]{2}|6(?:011|5[0-9]{2}))(?:[ -]?[0-9]{3,4}){2,4}(?![0-9])/g,
    accept: (m) => {
      const digits = m[0].replace(/[ -]/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhn(digits);
    },
  },
  {
    kind: 'iban',
    check: 'pii',
    severity: 'high',
    pattern: /(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g,
    accept: (m) => {
      const iban = m[0].replace(/ /g, '');
      return iban.length >= 15 && iban.length <= 34 && ibanChecksum(iban);
    },
  },
  { kind: 'us-ssn', check: 'pii', severity: 'high', pattern: /(?<![0-9-])(?!000|666|9[0-9]{2})[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![0-9-])/g },
  {
    kind: 'phone-number',
    check: 'pii',
    severity: 'medium',
    // International (+CC …) or North American (NXX) NXX-XXXX with separators: bare digit runs and
    // arithmetic stay out.
    pattern: /(?<![\w+])(?:\+[1-9][0-9]{0,2}[ .-]?(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{2,4}(?:[ .-][0-9]{2,4}){1,4}|\([2-9][0-9]{2}\) ?[2-9][0-9]{2}-[0-9]{4}|[2-9][0-9]{2}[.-][2-9][0-9]{2}[.-][0-9]{4})(?![\w-])/g,
    accept: (m) => {
      const digits = m[0].replace(/[^0-9]/g, '').length;
      return digits >= 10 && digits <= 15;
    },
  },
];

/** Characters of a secret shown in reports; the rest is replaced by its length. */
const PREVIEW_CHARS = 4;

/**
 * A secret shown without its value: `AKIA… (20 chars)`.
 *
 * @example
 * secretPreview('AKIAIOSFODNN7EXAMPLE'); // 'AKIA… (20 chars)'
 */
export function secretPreview(value: string): string {
  return `${value.slice(0, PREVIEW_CHARS)}… (${value.length} chars)`;
}

/**
 * Every credential and personal-data match in `text`, in pattern order.
 *
 * @example
 * findSecrets('key AKIAIOSFODNN7EXAMPLE')[0]; // { check: 'secret', kind: 'aws-access-key-id', severity: 'high', … }
 */
export function findSecrets(text: string): SecretMatch[] {
  const matches: SecretMatch[] = [];
  for (const spec of PATTERNS) {
    spec.pattern.lastIndex = 0;
    for (let m = spec.pattern.exec(text); m !== null; m = spec.pattern.exec(text)) {
      if (spec.accept !== undefined && !spec.accept(m)) continue;
      const value = spec.group === undefined ? m[0] : (m[spec.group] ?? m[0]);
      const start = spec.group === undefined ? m.index : m.index + m[0].indexOf(value);
      matches.push({ check: spec.check, kind: spec.kind, severity: spec.severity, start, end: start + value.length, preview: secretPreview(value) });
    }
  }
  return matches;
}

/**
 * `text` with every match replaced by `[kind]`, for showing a flagged row without its secret.
 *
 * @example
 * maskSecrets('key AKIAIOSFODNN7EXAMPLE', findSecrets('key AKIAIOSFODNN7EXAMPLE')); // 'key [aws-access-key-id]'
 */
export function maskSecrets(text: string, matches: readonly SecretMatch[]): string {
  const ordered = [...matches].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const match of ordered) {
    if (match.start < at) continue;
    out += `${text.slice(at, match.start)}[${match.kind}]`;
    at = match.end;
  }
  return out + text.slice(at);
}
