import { normalizeText } from '@rampart/core';

/**
 * Rows that do not look like the rest of the dataset: a length far from the others, characters
 * that hide text (tag characters, bidi controls, runs of invisible characters) or betray
 * mis-decoded bytes, and a script or language other than the dataset's own. Thresholds are
 * deliberately far out (a robust z-score of 6, 90% homogeneity before a language counts as the
 * dataset's): these checks must not quarantine ordinary variety.
 */
export type OutlierCheck = 'outlier-length' | 'outlier-charset' | 'outlier-language';

export interface OutlierFinding {
  readonly check: OutlierCheck;
  readonly detail: string;
}

export interface OutlierStats {
  readonly medianLength: number;
  /** The dataset's script and language, when it has one (≥ 90% of the rows that show one). */
  readonly script: string | undefined;
  readonly language: string | undefined;
}

/** Modified z-score (Iglewicz and Hoaglin) on log length beyond which a row is an outlier. */
export const LENGTH_Z = 6;
/**
 * Floor of the median absolute deviation of log length: a dataset of uniform rows (every reply
 * from one template) would otherwise call a prompt three times the median an outlier. With the
 * floor, a row must be about 85 times longer or shorter than the median.
 */
const MIN_LOG_MAD = 0.5;
/** Share of rows that must share a script or language before others count as foreign. */
const HOMOGENEITY = 0.9;
const MIN_SCRIPT_LETTERS = 20;
const SCRIPT_SHARE = 0.6;
const INVISIBLE_RUN = 3;

function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function scriptOf(c: number): string | undefined {
  if (c < 0x80) return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? 'Latin' : undefined;
  if ((c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x1e00 && c <= 0x1eff)) return 'Latin';
  if (c >= 0x370 && c <= 0x3ff) return 'Greek';
  if (c >= 0x400 && c <= 0x52f) return 'Cyrillic';
  if (c >= 0x530 && c <= 0x58f) return 'Armenian';
  if (c >= 0x590 && c <= 0x5ff) return 'Hebrew';
  if ((c >= 0x600 && c <= 0x6ff) || (c >= 0x750 && c <= 0x77f)) return 'Arabic';
  if (c >= 0x900 && c <= 0x97f) return 'Devanagari';
  if (c >= 0x980 && c <= 0xdff) return 'Indic';
  if (c >= 0xe00 && c <= 0xe7f) return 'Thai';
  if (c >= 0x10a0 && c <= 0x10ff) return 'Georgian';
  if ((c >= 0x1100 && c <= 0x11ff) || (c >= 0xac00 && c <= 0xd7af)) return 'Hangul';
  if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff)) return 'CJK';
  return undefined;
}

/** The script of most of a row's letters, when it has enough letters and one script dominates. */
function rowScript(text: string): string | undefined {
  const counts = new Map<string, number>();
  let letters = 0;
  for (let i = 0; i < text.length; i += 1) {
    const script = scriptOf(text.charCodeAt(i));
    if (script === undefined) continue;
    letters += 1;
    counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  if (letters < MIN_SCRIPT_LETTERS) return undefined;
  for (const [script, n] of counts) if (n >= SCRIPT_SHARE * letters) return script;
  return undefined;
}

/** Function words that tell Latin-script languages apart. */
const STOP_WORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['the', 'and', 'is', 'are', 'of', 'to', 'that', 'it', 'with', 'for', 'this', 'you', 'what', 'how', 'was', 'be', 'have', 'which', 'from', 'they'],
  fr: ['le', 'les', 'des', 'est', 'et', 'une', 'du', 'que', 'qui', 'dans', 'pour', 'pas', 'sur', 'avec', 'vous', 'je', 'ce', 'au', 'sont', 'nous'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'mit', 'den', 'dem', 'zu', 'sich', 'auf', 'für', 'ich', 'sie', 'wie', 'auch', 'werden'],
  es: ['el', 'los', 'las', 'es', 'y', 'una', 'del', 'que', 'por', 'con', 'para', 'como', 'más', 'pero', 'su', 'se', 'está', 'son', 'muy', 'hay'],
  it: ['il', 'gli', 'è', 'una', 'di', 'che', 'per', 'con', 'non', 'sono', 'della', 'come', 'anche', 'questo', 'nel', 'alla', 'ma', 'più', 'sul', 'dei'],
  pt: ['os', 'é', 'uma', 'um', 'do', 'da', 'que', 'em', 'para', 'com', 'não', 'por', 'mais', 'como', 'se', 'dos', 'das', 'ao', 'na', 'no'],
  nl: ['het', 'een', 'en', 'is', 'van', 'dat', 'niet', 'met', 'voor', 'op', 'zijn', 'ook', 'je', 'ik', 'wat', 'hoe', 'er', 'maar', 'bij', 'wordt'],
};
const LANGUAGE_OF = new Map<string, string[]>();
for (const [language, words] of Object.entries(STOP_WORDS)) for (const word of words) LANGUAGE_OF.set(word, [...(LANGUAGE_OF.get(word) ?? []), language]);
const MIN_LANGUAGE_WORDS = 8;
const MIN_STOP_HITS = 4;
const WORD = /[\p{L}]+/gu;

/** Stop-word hits per language in a row. */
function languageHits(text: string): { hits: Map<string, number>; words: number } {
  const hits = new Map<string, number>();
  let words = 0;
  for (const match of text.toLowerCase().matchAll(WORD)) {
    words += 1;
    for (const language of LANGUAGE_OF.get(match[0]) ?? []) hits.set(language, (hits.get(language) ?? 0) + 1);
  }
  return { hits, words };
}

function rowLanguage(found: { hits: Map<string, number>; words: number }): string | undefined {
  if (found.words < MIN_LANGUAGE_WORDS) return undefined;
  const ranked = [...found.hits.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (best === undefined || best[1] < MIN_STOP_HITS) return undefined;
  if (second !== undefined && best[1] < 2 * second[1]) return undefined;
  return best[0];
}

/** The value most rows share, when at least HOMOGENEITY of the rows that have one share it. */
function dominant(values: readonly (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  let known = 0;
  for (const value of values) {
    if (value === undefined) continue;
    known += 1;
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  for (const [value, n] of counts) if (n >= HOMOGENEITY * known) return value;
  return undefined;
}

function charsetProblem(text: string): string | undefined {
  const normalized = normalizeText(text);
  if (normalized.tagChars > 0) return `${normalized.tagChars} Unicode tag characters (hidden ASCII) at offset ${normalized.firstHiddenAt}`;
  if (normalized.bidiControls > 0) return `${normalized.bidiControls} bidi control characters (text that reads differently than it renders)`;
  if (normalized.invisible >= INVISIBLE_RUN) return `${normalized.invisible} invisible characters (first ${normalized.firstHiddenCode} at offset ${normalized.firstHiddenAt})`;
  let garbled = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff)) garbled += 1;
  }
  if (garbled >= 3 && garbled >= 0.01 * text.length) return `${garbled} replacement or private-use characters (mis-decoded text)`;
  return undefined;
}

/**
 * Outlier findings per row index.
 *
 * @example
 * const { findings } = findOutliers(rows.map((r) => r.text));
 * findings.get(17); // [{ check: 'outlier-language', detail: 'written in fr; the dataset is en' }]
 */
export function findOutliers(texts: readonly string[]): { readonly findings: Map<number, OutlierFinding[]>; readonly stats: OutlierStats } {
  const findings = new Map<number, OutlierFinding[]>();
  const add = (row: number, finding: OutlierFinding): void => {
    const list = findings.get(row);
    if (list === undefined) findings.set(row, [finding]);
    else list.push(finding);
  };
  const logLengths = Float64Array.from(texts, (text) => Math.log1p(text.length));
  const center = median(logLengths);
  const mad = Math.max(MIN_LOG_MAD, median(logLengths.map((x) => Math.abs(x - center))));
  texts.forEach((text, row) => {
    if (text.trim() === '') {
      add(row, { check: 'outlier-length', detail: 'empty text' });
      return;
    }
    const z = (0.6745 * ((logLengths[row] as number) - center)) / mad;
    if (Math.abs(z) > LENGTH_Z) add(row, { check: 'outlier-length', detail: `${text.length} characters (robust z ${z.toFixed(1)}; the median row has ${Math.round(Math.expm1(center))})` });
    const charset = charsetProblem(text);
    if (charset !== undefined) add(row, { check: 'outlier-charset', detail: charset });
  });
  const scripts = texts.map(rowScript);
  const script = dominant(scripts);
  const languageFound = texts.map((text, row) => (scripts[row] === 'Latin' ? languageHits(text) : undefined));
  const languages = languageFound.map((found) => (found === undefined ? undefined : rowLanguage(found)));
  const language = script === 'Latin' ? dominant(languages) : undefined;
  texts.forEach((_, row) => {
    const own = scripts[row];
    if (script !== undefined && own !== undefined && own !== script) {
      add(row, { check: 'outlier-language', detail: `written in ${own} script; the dataset is ${script}` });
      return;
    }
    const rowLang = languages[row];
    if (language !== undefined && rowLang !== undefined && rowLang !== language && (languageFound[row]?.hits.get(language) ?? 0) <= 1) {
      add(row, { check: 'outlier-language', detail: `written in ${rowLang}; the dataset is ${language}` });
    }
  });
  return { findings, stats: { medianLength: Math.round(Math.expm1(center)), script, language } };
}
