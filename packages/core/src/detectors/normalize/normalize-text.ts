import { foldHomoglyphs, hasMixedScriptWord } from './fold-homoglyphs.js';

/** Normalized text, and what normalization had to remove or rewrite to get there. */
export interface NormalizedText {
  readonly text: string;
  /** Invisible characters removed: zero-width and other format characters, soft hyphens, controls. */
  readonly invisible: number;
  /** Bidi embeddings, overrides and isolates removed (Trojan Source, CVE-2021-42574). */
  readonly bidiControls: number;
  /** Unicode tag characters (U+E0020–E007E) turned back into the ASCII they hide ("ASCII smuggling"). */
  readonly tagChars: number;
  /** A word mixed Latin letters with Cyrillic or Greek lookalikes. */
  readonly mixedScript: boolean;
  /** UTF-16 offset in the input of the first hidden character; -1 when there was none. */
  readonly firstHiddenAt: number;
  /** The first hidden character, for evidence (`U+200B`); empty when none. */
  readonly firstHiddenCode: string;
}

/** Text that is all printable ASCII needs none of the Unicode work: the common case, kept cheap. */
const PRINTABLE_ASCII = /^[\x20-\x7e\t\n\r]*$/;

/**
 * Characters that render as nothing (or as nothing a reader notices) yet split a keyword for a
 * matcher: C0/C1 controls other than tab and line breaks, every format (Cf) character (zero-width
 * space/joiners, word joiner, soft hyphen, BOM, bidi controls, invisible operators, tags), Hangul
 * fillers, the combining grapheme joiner, Mongolian and standard variation selectors.
 */
const HIDDEN =
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\p{Cf}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]/gu;

/**
 * Combining diacritics stripped after NFKD: stacking them ("Zalgo" text) hides keywords, and no
 * rule depends on accents. Only the general diacritic blocks, so the vowel signs that Indic and
 * other scripts need are kept.
 */
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

const EMOJI_CONTEXT = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\ufe0f/u;
const NON_LATIN_LETTER = /[\p{L}\p{M}]/u;
const LATIN = /\p{Script=Latin}/u;

/**
 * NFKC, invisible-character and bidi-control removal, tag-character decoding and homoglyph
 * folding. Case is kept: rules match case-insensitively, and evidence reads better as written.
 *
 * @example
 * normalizeText('ran\u200bsom\u200bware').text; // 'ransomware', invisible: 2
 */
export function normalizeText(input: string): NormalizedText {
  if (PRINTABLE_ASCII.test(input)) {
    return { text: input, invisible: 0, bidiControls: 0, tagChars: 0, mixedScript: false, firstHiddenAt: -1, firstHiddenCode: '' };
  }
  let invisible = 0;
  let bidiControls = 0;
  let tagChars = 0;
  let firstHiddenAt = -1;
  let firstHiddenCode = '';
  const hide = (ch: string, offset: number): void => {
    if (firstHiddenAt === -1) {
      firstHiddenAt = offset;
      firstHiddenCode = `U+${(ch.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
    }
  };
  const visible = input.replace(HIDDEN, (ch: string, offset: number, whole: string) => {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0xe0000 && cp <= 0xe007f) {
      // Tag letters after a black flag spell a subdivision flag (England, Scotland): legitimate.
      if (isFlagTagSequence(whole, offset)) return '';
      if (cp < 0xe0020 || cp > 0xe007e) return '';
      tagChars += 1;
      hide(ch, offset);
      return String.fromCharCode(cp - 0xe0000);
    }
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
      bidiControls += 1;
      hide(ch, offset);
      return '';
    }
    if (isBenignHidden(cp, whole, { offset, length: ch.length })) return '';
    invisible += 1;
    hide(ch, offset);
    return '';
  });
  const composed = visible.normalize('NFKD').replace(DIACRITICS, '').normalize('NFC');
  const mixedScript = hasMixedScriptWord(composed);
  return { text: foldHomoglyphs(composed), invisible, bidiControls, tagChars, mixedScript, firstHiddenAt, firstHiddenCode };
}

/**
 * Hidden characters with an everyday use, removed without counting as obfuscation: a leading BOM,
 * joiners inside emoji sequences or between letters of scripts that need them (Persian, Indic),
 * and a single variation selector after a character. A run of selectors is counted: it can carry
 * arbitrary bytes behind one emoji.
 */
function isBenignHidden(cp: number, whole: string, at: { offset: number; length: number }): boolean {
  const { offset, length } = at;
  if (cp === 0xfeff && offset === 0) return true;
  if (cp === 0x200c || cp === 0x200d) {
    const before = codePointBefore(whole, offset);
    const after = whole.codePointAt(offset + length);
    return isJoinerContext(before) || isJoinerContext(after);
  }
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) || (cp >= 0x180b && cp <= 0x180d)) {
    const before = codePointBefore(whole, offset);
    return before === undefined || !isVariationSelector(before);
  }
  // Bidi marks (LRM, RLM, ALM) are routine in right-to-left text; they count as invisible only
  // when no right-to-left letter is next to them.
  if (cp === 0x200e || cp === 0x200f || cp === 0x061c) {
    const before = codePointBefore(whole, offset);
    const after = whole.codePointAt(offset + length);
    return isNonLatinLetter(before) || isNonLatinLetter(after);
  }
  return false;
}

function isJoinerContext(cp: number | undefined): boolean {
  if (cp === undefined) return false;
  const ch = String.fromCodePoint(cp);
  return EMOJI_CONTEXT.test(ch) || isNonLatinLetter(cp);
}

function isNonLatinLetter(cp: number | undefined): boolean {
  if (cp === undefined || cp < 0x80) return false;
  const ch = String.fromCodePoint(cp);
  return NON_LATIN_LETTER.test(ch) && !LATIN.test(ch);
}

function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

function codePointBefore(text: string, offset: number): number | undefined {
  if (offset <= 0) return undefined;
  const low = text.charCodeAt(offset - 1);
  if (low >= 0xdc00 && low <= 0xdfff && offset >= 2) {
    const high = text.charCodeAt(offset - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.codePointAt(offset - 2);
  }
  return low;
}

/** Tag characters preceded (through other tags) by U+1F3F4 WAVING BLACK FLAG. */
function isFlagTagSequence(text: string, offset: number): boolean {
  let at = offset;
  while (at >= 2) {
    const cp = text.codePointAt(at - 2);
    if (cp === 0x1f3f4) return true;
    if (cp === undefined || cp < 0xe0000 || cp > 0xe007f) return false;
    at -= 2;
  }
  return false;
}
