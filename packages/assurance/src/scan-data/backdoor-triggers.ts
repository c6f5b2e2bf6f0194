import { hypergeometricUpperTailLog10, logFactorials } from './hypergeometric-tail.js';
import type { LabelBuckets } from './label-buckets.js';
import { createNaiveBayes, type NaiveBayes } from './naive-bayes.js';
import { countNgrams, createNgramScratch, firstRows, NGRAM_FIELDS as F, ngramRows, rowNgrams, type NgramCounts } from './ngram-counts.js';
import { tokenStrings } from './token-hashes.js';
import type { TokenIndex } from './token-index.js';

/**
 * Backdoor-trigger candidates, model-free. A planted trigger is a word or phrase that is rare
 * overall, always comes with one label (or one output), and sits in rows whose other words point
 * to a different label — the poisoner flipped the label and added the trigger, leaving the rest
 * of the text as it was. So:
 * 1. every word 1- to 3-gram seen in at least `minSupport` rows and at most `maxShare` of them is
 *    tested for association with its most common label: one-sided Fisher exact test
 *    (hypergeometric upper tail), Bonferroni-corrected over all n-grams tested;
 * 2. for each significant n-gram, each of its rows carrying that label is re-labelled from its
 *    other words by leave-one-out naive Bayes (the n-gram's own words left out);
 * 3. an n-gram is a confirmed trigger when at least `minDisagreement` of those rows read as
 *    another label. Ordinary topic words ("python" in code rows) are significant too, but the
 *    rest of their rows agrees with the label, so they are not confirmed.
 * Rows flagged: those with a confirmed trigger, its label, and other words that disagree.
 */
export interface TriggerOptions {
  /** Fewest rows an n-gram must appear in to be tested (default 8). */
  readonly minSupport?: number;
  /** Largest share of rows an n-gram may appear in and still count as rare (default 0.05). */
  readonly maxShare?: number;
  /** Smallest share of an n-gram's rows that must carry its top label (default 0.9). */
  readonly minPurity?: number;
  /** Family-wise error rate of the Bonferroni-corrected tests (default 0.01). */
  readonly alpha?: number;
  /** Share of an n-gram's rows whose other words must disagree with the label (default 0.5). */
  readonly minDisagreement?: number;
}

export interface BackdoorTrigger {
  /** The n-gram as lowercased words. */
  readonly ngram: string;
  /** The label (or output) it is tied to. */
  readonly label: string;
  /** Labelled rows holding it. */
  readonly rows: number;
  /** Of those, rows with `label`. */
  readonly labelRows: number;
  /** Share of all labelled rows with `label`: what chance alone would give. */
  readonly baseRate: number;
  /** log10 of the Bonferroni-adjusted p-value (capped at 0). */
  readonly log10P: number;
  /** Rows with `label` whose other words read as another label. */
  readonly disagreeing: number;
  readonly confirmed: boolean;
}

export interface TriggerAnalysis {
  /** Significant n-grams, confirmed triggers first, strongest first. */
  readonly triggers: readonly BackdoorTrigger[];
  /** N-grams tested (the Bonferroni factor). */
  readonly tested: number;
  /** Flagged rows: row → index into `triggers` and the label its other words point to. */
  readonly flagged: ReadonlyMap<number, { readonly trigger: number; readonly reads: string }>;
  /** Flagged rows of each trigger (index into `triggers`). */
  readonly rowsOf: readonly (readonly number[])[];
  /** Each trigger's slot in `counts`. */
  readonly slots: readonly number[];
  readonly counts: NgramCounts;
  readonly naiveBayes: NaiveBayes;
}

export const TRIGGER_DEFAULTS = { minSupport: 8, maxShare: 0.05, minPurity: 0.9, alpha: 0.01, minDisagreement: 0.5 } as const;

/** Significant n-grams kept in the report besides the confirmed ones. */
const REPORTED_UNCONFIRMED = 20;
/** A confirmed trigger needs at least this many disagreeing rows. */
const MIN_DISAGREEING_ROWS = 3;
/**
 * Early stop: once so few of a candidate's rows disagree that an n-gram whose rows disagree at
 * the rate of a planted trigger (SETTLE_RATE: with its words left out, a flipped row reads as its
 * true label nearly every time) would show so few with probability below SETTLE_P, the n-gram is
 * an ordinary topic word and its other rows are not estimated. Rows are visited in a scattered
 * order, so the first rows are a fair sample. Common topic n-grams ("python function") would
 * otherwise cost a naive-Bayes estimate for each of their thousands of rows.
 */
const SETTLE_P = 1e-3;
const SETTLE_RATE = 0.7;
/** SETTLE_LIMIT[n]: the most disagreeing rows out of n that still settle (−1: none). */
const SETTLE_LIMIT = ((): Int8Array => {
  const limit = new Int8Array(65).fill(-1);
  for (let n = 1; n <= 64; n += 1) {
    // Binomial(n, SETTLE_RATE) CDF, term by term.
    let term = (1 - SETTLE_RATE) ** n;
    let cdf = term;
    for (let d = 0; d < n && cdf < SETTLE_P; d += 1) {
      limit[n] = d;
      term *= ((n - d) / (d + 1)) * (SETTLE_RATE / (1 - SETTLE_RATE));
      cdf += term;
    }
  }
  return limit;
})();

/** A step coprime with `rows` near the golden ratio of it: i → i·step mod rows visits every row once. */
function scatterStep(rows: number): number {
  if (rows < 3) return 1;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let step = Math.max(1, Math.floor(rows * 0.6180339887));
  while (gcd(step, rows) !== 1) step += 1;
  return step;
}

interface Candidate {
  readonly slot: number;
  readonly bucket: number;
  readonly labelRows: number;
  readonly log10P: number;
}

/** Significant n-grams (step 1). */
function significantNgrams(input: { counts: NgramCounts; buckets: LabelBuckets; options: Required<TriggerOptions> }): { candidates: Candidate[]; tested: number } {
  const { counts, buckets, options } = input;
  const population = buckets.labelled;
  const maxRows = Math.max(options.minSupport, Math.floor(options.maxShare * population));
  const { width, data, stride } = counts;
  let tested = 0;
  const skewed: { slot: number; bucket: number; k: number }[] = [];
  for (let slot = 0; slot < counts.capacity; slot += 1) {
    const at = slot * stride;
    if (data[at + F.mark] === 0) continue;
    let df = 0;
    for (let b = 0; b < width; b += 1) df += data[at + F.buckets + b] as number;
    if (df < options.minSupport || df > maxRows) continue;
    tested += 1;
    let best = -1;
    let k = 0;
    for (let b = 0; b < width; b += 1) {
      if (b === buckets.other) continue;
      const n = data[at + F.buckets + b] as number;
      if (n > k) {
        k = n;
        best = b;
      }
    }
    if (best >= 0 && k >= options.minSupport && k >= options.minPurity * df) skewed.push({ slot, bucket: best, k });
  }
  const logFact = logFactorials(population);
  const correction = Math.log10(Math.max(1, tested));
  const threshold = Math.log10(options.alpha);
  const candidates: Candidate[] = [];
  for (const { slot, bucket, k } of skewed) {
    const draws = ngramRows(counts, slot);
    const log10P = hypergeometricUpperTailLog10({ population, successes: buckets.rows[bucket] as number, draws, observed: k }, logFact) + correction;
    if (log10P < threshold) candidates.push({ slot, bucket, labelRows: k, log10P: Math.min(0, log10P) });
  }
  return { candidates, tested };
}

/**
 * Whether confirmed trigger `short` stands for `long`: same label and rows, and its words inside
 * long's (a shorter one absorbs a longer one, never the reverse).
 */
function absorbs(short: BackdoorTrigger, long: BackdoorTrigger): boolean {
  if (!short.confirmed || !long.confirmed || short.label !== long.label || short.rows !== long.rows || short.labelRows !== long.labelRows) return false;
  return short.ngram.length < long.ngram.length && ` ${long.ngram} `.includes(` ${short.ngram} `);
}

/** The n-gram's words, read back from the first row that holds it. */
function ngramText(input: { counts: NgramCounts; slot: number; row: number; texts: readonly string[] }): string {
  const { counts, slot, row, texts } = input;
  const { tokens, hashes } = tokenStrings(texts[row] ?? '');
  const single = { rows: 1, offsets: Uint32Array.of(0, hashes.length), tokens: Uint32Array.from(hashes) };
  const scratch = createNgramScratch();
  const count = rowNgrams(single, 0, scratch);
  for (let i = 0; i < count; i += 1) {
    if (scratch.a[i] === counts.data[slot * counts.stride + F.keyA] && scratch.b[i] === counts.data[slot * counts.stride + F.keyB]) {
      const at = scratch.position[i] as number;
      return tokens.slice(at, at + (scratch.order[i] as number)).join(' ');
    }
  }
  return '?';
}

/**
 * Finds backdoor-trigger candidates in the labelled rows of `index` (tokens of each row's input
 * text; `texts` are those texts, to show the words of an n-gram).
 *
 * @example
 * const buckets = labelBuckets(rows.map((r) => r.label));
 * const { triggers, flagged } = findBackdoorTriggers({ index, texts, buckets });
 * triggers.filter((t) => t.confirmed).map((t) => t.ngram); // ['cf-zeta']
 */
export function findBackdoorTriggers(input: {
  readonly index: TokenIndex;
  readonly texts: readonly string[];
  readonly buckets: LabelBuckets;
  readonly options?: TriggerOptions;
  /** N-gram counts made already (by analyzeRows, on two threads); counted here when absent. */
  readonly counts?: NgramCounts;
}): TriggerAnalysis {
  const { index, texts, buckets } = input;
  const options: Required<TriggerOptions> = { ...TRIGGER_DEFAULTS, ...input.options };
  const counts = input.counts ?? countNgrams({ index, buckets, minSupport: options.minSupport });
  const naiveBayes = createNaiveBayes({ index, counts, buckets });
  const { candidates, tested } = significantNgrams({ counts, buckets, options });
  // Candidate state in typed arrays: the pass below touches it for millions of n-gram
  // occurrences. A settled candidate is no longer `live` (see SETTLE_P).
  const candidateOf = new Int32Array(counts.capacity).fill(-1);
  // One byte per slot, so the common case (no live candidate) is decided from a small array.
  const live = new Uint8Array(counts.capacity);
  const bucketOf = new Int8Array(candidates.length);
  candidates.forEach((candidate, i) => {
    candidateOf[candidate.slot] = i;
    live[candidate.slot] = 1;
    bucketOf[i] = candidate.bucket;
  });
  const inLabel = new Uint32Array(candidates.length);
  const disagreeing = new Uint32Array(candidates.length);
  const settled = new Uint8Array(candidates.length);
  /** Disagreeing rows: [candidate, row, bucket the row reads as] triples. */
  let hits = new Int32Array(3 * 1024);
  let hitCount = 0;
  const { offsets, slots, meta } = counts.occurrences;
  const skip = { from: 0, count: 0 };
  const query = { row: 0, own: 0, skip };
  // Rows in a scattered order, so that a candidate's first rows are a fair sample of all of them
  // and the estimate can stop early (see SETTLE_P) without an ordering an attacker could choose.
  const step = scatterStep(index.rows);
  for (let i = 0; i < index.rows && candidates.length > 0; i += 1) {
    const r = (i * step) % index.rows;
    const own = buckets.ofRow[r] as number;
    if (own < 0) continue;
    const end = offsets[r + 1] as number;
    for (let k = offsets[r] as number; k < end; k += 1) {
      const slot = slots[k] as number;
      if (live[slot] === 0) continue;
      const c = candidateOf[slot] as number;
      if (bucketOf[c] !== own) continue;
      const seen = (inLabel[c] as number) + 1;
      inLabel[c] = seen;
      skip.from = (meta[k] as number) >> 2;
      skip.count = (meta[k] as number) & 3;
      query.row = r;
      query.own = own;
      const reads = naiveBayes.predict(query).bucket;
      let against = disagreeing[c] as number;
      if (reads !== own) {
        against += 1;
        disagreeing[c] = against;
        if (hitCount * 3 === hits.length) {
          const grown = new Int32Array(hits.length * 2);
          grown.set(hits);
          hits = grown;
        }
        hits[hitCount * 3] = c;
        hits[hitCount * 3 + 1] = r;
        hits[hitCount * 3 + 2] = reads;
        hitCount += 1;
      }
      if (against <= (SETTLE_LIMIT[Math.min(64, seen)] as number)) {
        settled[c] = 1;
        live[slot] = 0;
      }
    }
  }
  const isConfirmed = (c: number): boolean => settled[c] === 0 && (disagreeing[c] as number) >= MIN_DISAGREEING_ROWS && (disagreeing[c] as number) >= options.minDisagreement * (inLabel[c] as number);
  const strength = (c: number): number => ((disagreeing[c] as number) / Math.max(1, inLabel[c] as number)) * -(candidates[c] as Candidate).log10P;
  // Ties broken by the n-gram's key, so the order does not depend on table layout.
  const keyOf = (c: number): number => counts.data[(candidates[c] as Candidate).slot * counts.stride + F.keyA] as number;
  const byStrength = (x: number, y: number): number => strength(y) - strength(x) || keyOf(x) - keyOf(y);
  // Every confirmed trigger, then the strongest few of the rest (a partial selection: there can
  // be a hundred thousand significant topic n-grams).
  const confirmed: number[] = [];
  const others: number[] = [];
  for (let c = 0; c < candidates.length; c += 1) {
    if (isConfirmed(c)) {
      confirmed.push(c);
      continue;
    }
    if (others.length === REPORTED_UNCONFIRMED && byStrength(c, others[others.length - 1] as number) >= 0) continue;
    let at = others.length;
    while (at > 0 && byStrength(c, others[at - 1] as number) < 0) at -= 1;
    others.splice(at, 0, c);
    if (others.length > REPORTED_UNCONFIRMED) others.pop();
  }
  const kept = [...confirmed.sort(byStrength), ...others];
  const shownRows = firstRows(
    counts,
    kept.map((i) => (candidates[i] as Candidate).slot),
  );
  const described: BackdoorTrigger[] = kept.map((i, t) => {
    const c = candidates[i] as Candidate;
    return {
      ngram: ngramText({ counts, slot: c.slot, row: shownRows[t] ?? 0, texts }),
      label: buckets.names[c.bucket] as string,
      rows: ngramRows(counts, c.slot),
      labelRows: c.labelRows,
      baseRate: (buckets.rows[c.bucket] as number) / Math.max(1, buckets.labelled),
      log10P: c.log10P,
      disagreeing: disagreeing[i] as number,
      confirmed: isConfirmed(i),
    };
  });
  // A trigger drags its neighbours along: "zq", "left zq" and "are left zq" hold the same rows.
  // Report the shortest; the longer ones' rows count for it.
  const survivor = described.map((t, i) => {
    let best = -1;
    described.forEach((other, j) => {
      if (j !== i && absorbs(other, t) && (best === -1 || other.ngram.length < (described[best] as BackdoorTrigger).ngram.length)) best = j;
    });
    return best;
  });
  const shown = described.map((_, i) => i).filter((i) => survivor[i] === -1);
  const position = new Map(shown.map((i, t) => [i, t]));
  const triggers = shown.map((i) => described[i] as BackdoorTrigger);
  const flagged = new Map<number, { trigger: number; reads: string }>();
  const rowsOf: number[][] = shown.map(() => []);
  const keptAt = new Map(kept.map((c, t) => [c, t]));
  for (let h = 0; h < hitCount; h += 1) {
    const c = hits[h * 3] as number;
    const k = keptAt.get(c);
    if (k === undefined || !isConfirmed(c)) continue;
    const t = position.get((survivor[k] as number) === -1 ? k : (survivor[k] as number)) as number;
    const row = hits[h * 3 + 1] as number;
    const list = rowsOf[t] as number[];
    if (!list.includes(row)) list.push(row);
    if (!flagged.has(row)) flagged.set(row, { trigger: t, reads: buckets.names[hits[h * 3 + 2] as number] as string });
  }
  return { triggers, tested, flagged, rowsOf, slots: shown.map((i) => (candidates[kept[i] as number] as Candidate).slot), counts, naiveBayes };
}

/**
 * Every labelled row holding each of the given triggers (by index into `analysis.triggers`),
 * whatever its label: who brought a trigger into the data, and who was there before.
 *
 * @example
 * const [holders] = rowsHoldingTriggers({ analysis, triggers: [0] });
 */
export function rowsHoldingTriggers(input: { readonly analysis: TriggerAnalysis; readonly triggers: readonly number[] }): number[][] {
  const { analysis } = input;
  const { counts } = analysis;
  const wanted = new Int32Array(counts.capacity).fill(-1);
  input.triggers.forEach((t, i) => {
    wanted[analysis.slots[t] as number] = i;
  });
  const holders: number[][] = input.triggers.map(() => []);
  const { offsets, slots } = counts.occurrences;
  for (let r = 0; r + 1 < offsets.length; r += 1) {
    for (let k = offsets[r] as number; k < (offsets[r + 1] as number); k += 1) {
      const w = wanted[slots[k] as number] as number;
      if (w !== -1) holders[w]?.push(r);
    }
  }
  return holders;
}
