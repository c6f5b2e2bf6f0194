/**
 * Out-of-distribution signals: inputs unlike anything the classifier was trained on, where its
 * score means little. Each signal is a plain, explainable measure with a threshold set from the
 * training data (see the training code), and the reasons are reported so a reviewer sees why.
 */
export interface OodThresholds {
  /** Share of word tokens absent from the word-vector vocabulary (gibberish, other languages). */
  readonly unknownRate: number;
  /** Share of letters outside the Latin script (languages the model was not trained on). */
  readonly nonLatinRate: number;
  /** Longest run of non-space characters (encoded blobs, minified data). */
  readonly longestRun: number;
  /** Texts longer than this many characters. */
  readonly maxChars: number;
}

export const OOD_REASONS = ['unknown_words', 'non_latin_script', 'encoded_blob', 'too_long', 'no_words'] as const;
export type OodReason = (typeof OOD_REASONS)[number];

export interface OodStats {
  readonly unknownRate: number;
  readonly nonLatinRate: number;
  readonly longestRun: number;
  readonly chars: number;
  readonly words: number;
}

const LETTER = /\p{L}/u;
const LATIN = /\p{Script=Latin}/u;

/** Alphabetic word tokens of a text and how many of them the word-vector vocabulary lacks. */
export interface VocabularyCounts {
  readonly words: number;
  readonly unknown: number;
}

/** `vocabulary` comes from featurization, which looks every token up anyway. */
export function oodStats(text: string, vocabulary: VocabularyCounts): OodStats {
  let letters = 0;
  let nonLatin = 0;
  let run = 0;
  let longestRun = 0;
  // Sampled past 8 KB: the rates settle long before, and the scan must stay cheap.
  const limit = Math.min(text.length, 8192);
  for (let i = 0; i < limit; i += 1) {
    const ch = text[i] as string;
    if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r') {
      run = 0;
      continue;
    }
    run += 1;
    if (run > longestRun) longestRun = run;
    if (ch.charCodeAt(0) < 0x80) {
      if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) letters += 1;
    } else if (LETTER.test(ch)) {
      letters += 1;
      if (!LATIN.test(ch)) nonLatin += 1;
    }
  }
  return {
    unknownRate: vocabulary.words === 0 ? 0 : vocabulary.unknown / vocabulary.words,
    nonLatinRate: letters === 0 ? 0 : nonLatin / letters,
    longestRun,
    chars: text.length,
    words: vocabulary.words,
  };
}

/** Reasons the text is out of distribution; empty when it is not. */
export function oodReasons(stats: OodStats, thresholds: OodThresholds): OodReason[] {
  const reasons: OodReason[] = [];
  if (stats.words === 0 && stats.chars > 0) reasons.push('no_words');
  // A handful of unknown words in a short text is a typo or a name, not a foreign language.
  if (stats.words >= 4 && stats.unknownRate > thresholds.unknownRate) reasons.push('unknown_words');
  if (stats.nonLatinRate > thresholds.nonLatinRate) reasons.push('non_latin_script');
  if (stats.longestRun > thresholds.longestRun) reasons.push('encoded_blob');
  if (stats.chars > thresholds.maxChars) reasons.push('too_long');
  return reasons;
}
