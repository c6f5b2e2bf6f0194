/**
 * Lookalike letters that NFKC leaves alone: Cyrillic, Greek, Armenian and Cherokee letters drawn
 * like Latin ones, Latin small capitals and IPA letters, typographic quotes and dashes, and the
 * enclosed/regional-indicator letters outside NFKC's reach. Each maps to the Latin (ASCII)
 * character a reader sees. NFKC itself already folds fullwidth forms, mathematical
 * alphanumerics, circled and squared letters, ligatures and superscripts.
 * Sources: Unicode confusables (UTS #39 confusables.txt), restricted to one-to-one Latin lookalikes.
 */
const PAIRS: readonly (readonly [string, string])[] = [
  // Cyrillic
  ['а', 'a'], ['е', 'e'], ['о', 'o'], ['р', 'p'], ['с', 'c'], ['у', 'y'], ['х', 'x'], ['ѕ', 's'], ['і', 'i'], ['ј', 'j'],
  ['һ', 'h'], ['ԁ', 'd'], ['ԛ', 'q'], ['ԝ', 'w'], ['ӏ', 'l'], ['к', 'k'], ['м', 'm'], ['п', 'n'], ['ь', 'b'], ['ӓ', 'a'],
  ['А', 'A'], ['В', 'B'], ['Е', 'E'], ['К', 'K'], ['М', 'M'], ['Н', 'H'], ['О', 'O'], ['Р', 'P'], ['С', 'C'], ['Т', 'T'],
  ['У', 'Y'], ['Х', 'X'], ['Ѕ', 'S'], ['І', 'I'], ['Ј', 'J'], ['Ԛ', 'Q'], ['Ԝ', 'W'], ['Ӏ', 'I'], ['Ү', 'Y'], ['ү', 'y'],
  // Greek
  ['α', 'a'], ['β', 'b'], ['γ', 'y'], ['ε', 'e'], ['η', 'n'], ['ι', 'i'], ['κ', 'k'], ['μ', 'u'], ['ν', 'v'], ['ο', 'o'],
  ['ρ', 'p'], ['τ', 't'], ['υ', 'u'], ['χ', 'x'], ['ω', 'w'], ['ϲ', 'c'], ['ϳ', 'j'],
  ['Α', 'A'], ['Β', 'B'], ['Ε', 'E'], ['Ζ', 'Z'], ['Η', 'H'], ['Ι', 'I'], ['Κ', 'K'], ['Μ', 'M'], ['Ν', 'N'], ['Ο', 'O'],
  ['Ρ', 'P'], ['Τ', 'T'], ['Υ', 'Y'], ['Χ', 'X'], ['Ϲ', 'C'],
  // Armenian
  ['օ', 'o'], ['ս', 'u'], ['ց', 'g'], ['հ', 'h'], ['ո', 'n'], ['զ', 'q'],
  // Cherokee capitals
  ['Ꭺ', 'A'], ['Ᏼ', 'B'], ['Ꮯ', 'C'], ['Ꭰ', 'D'], ['Ꭼ', 'E'], ['Ꮐ', 'G'], ['Ꮋ', 'H'], ['Ꮶ', 'K'], ['Ꮮ', 'L'], ['Ꮇ', 'M'],
  ['Ꮲ', 'P'], ['Ꮪ', 'S'], ['Ꭲ', 'T'], ['Ꮩ', 'V'], ['Ꮃ', 'W'], ['Ꮓ', 'Z'],
  // Latin small capitals and IPA letters
  ['ᴀ', 'a'], ['ʙ', 'b'], ['ᴄ', 'c'], ['ᴅ', 'd'], ['ᴇ', 'e'], ['ɢ', 'g'], ['ʜ', 'h'], ['ɪ', 'i'], ['ᴊ', 'j'], ['ᴋ', 'k'],
  ['ʟ', 'l'], ['ᴍ', 'm'], ['ɴ', 'n'], ['ᴏ', 'o'], ['ᴘ', 'p'], ['ʀ', 'r'], ['ꜱ', 's'], ['ᴛ', 't'], ['ᴜ', 'u'], ['ᴠ', 'v'],
  ['ᴡ', 'w'], ['ʏ', 'y'], ['ᴢ', 'z'], ['ɑ', 'a'], ['ı', 'i'], ['ȷ', 'j'], ['ɡ', 'g'], ['ɩ', 'i'], ['ʋ', 'v'], ['ɒ', 'a'],
  // Typographic punctuation, so patterns need only the ASCII forms
  ['‘', "'"], ['’', "'"], ['‚', "'"], ['‛', "'"], ['′', "'"], ['“', '"'], ['”', '"'], ['„', '"'], ['‟', '"'],
  ['″', '"'], ['‐', '-'], ['‑', '-'], ['‒', '-'], ['–', '-'], ['—', '-'], ['―', '-'], ['−', '-'], ['∕', '/'], ['⁄', '/'],
];

const MAP = new Map<string, string>(PAIRS);

// Enclosed letters NFKC does not decompose: negative circled (U+1F150), negative squared (U+1F170)
// and regional indicators (U+1F1E6), each an A–Z run.
const ASTRAL_LETTER_RUNS: readonly (readonly [number, number])[] = [
  [0x1f150, 0x41],
  [0x1f170, 0x41],
  [0x1f1e6, 0x61],
];

const FOLDABLE = new RegExp(
  `[${PAIRS.map(([from]) => escapeForClass(from)).join('')}]|[\\u{1F150}-\\u{1F169}\\u{1F170}-\\u{1F189}\\u{1F1E6}-\\u{1F1FF}]`,
  'gu',
);

/** Latin letters touching Cyrillic or Greek ones inside a word: the tell of a spoofed word. */
const MIXED_SCRIPT = /[A-Za-z][\u0370-\u03ff\u0400-\u052f]|[\u0370-\u03ff\u0400-\u052f][A-Za-z]/;

/**
 * Replaces lookalike characters with the Latin character they imitate.
 *
 * @example
 * foldHomoglyphs('rаnsоmwаrе'); // 'ransomware' (the a, o and e were Cyrillic)
 */
export function foldHomoglyphs(text: string): string {
  return text.replace(FOLDABLE, (ch) => {
    const mapped = MAP.get(ch);
    if (mapped !== undefined) return mapped;
    const cp = ch.codePointAt(0) as number;
    for (const [base, letterA] of ASTRAL_LETTER_RUNS) {
      if (cp >= base && cp < base + 26) return String.fromCharCode(letterA + cp - base);
    }
    return ch;
  });
}

/** True when a word mixes Latin letters with Cyrillic or Greek ones. */
export function hasMixedScriptWord(text: string): boolean {
  return MIXED_SCRIPT.test(text);
}

function escapeForClass(ch: string): string {
  return /[\\\]^-]/.test(ch) ? `\\${ch}` : ch;
}
