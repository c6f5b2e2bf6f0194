// Throughput of `rampart scan-data`'s duplicate and trigger analysis (the part that must keep up
// with large training sets): tokenizing, exact and MinHash-LSH near-duplicates, and the n-gram
// association tests with their rest-of-row estimates. The injection classifier, secrets and
// outlier checks are not timed here.
//
// `node bench/scan-data.js [rows] [runs]` (after `npm run build`) prints one JSON object:
// { rows, seconds, rowsPerSecond, runs, ... } for the median of `runs` timed runs (default 3) over
// one generated set. Target: ≥ 50,000 rows/s on 2 cores. `node bench/scan-data.js --check [rows]`
// runs the analysis on one thread and on two and fails unless both find the same (the two-thread
// path runs only from the build, so the unit tests, which run the sources, cannot cover it).
//
// Rows: a seeded 4,000-row clean set (scripts/make-poisoned-dataset.mjs) grown to `rows` by
// recombining runs of 4–12 words from rows of one topic, so the text is varied (few exact
// copies) but shares phrases far more than a real corpus does: nearly every trigram recurs,
// which makes the n-gram tables and the near-duplicate candidates larger than usual (a
// conservative figure). 1% of rows are light edits of earlier ones (near-duplicates), and about
// 0.7% (maths and code rows past the 99th percentile of the draw) carry a trigger with the label
// flipped to general.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRandom, makePoisonedDataset } from '../scripts/make-poisoned-dataset.mjs';

const DIST = new URL('../packages/assurance/dist/scan-data/index.js', import.meta.url);

/** `rows` synthetic labelled rows (see above), deterministic for a seed. */
export function benchRows({ rows, seed = 7 }) {
  const random = createRandom(seed);
  const { all } = makePoisonedDataset({ seed, rows: 4000, shares: { trigger: 0, conflict: 0, injection: 0, secret: 0 } });
  const byLabel = new Map();
  for (const row of all) {
    const words = row.text.split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) continue;
    if (!byLabel.has(row.label)) byLabel.set(row.label, []);
    byLabel.get(row.label).push(words);
  }
  const labels = [...byLabel.keys()];
  const out = [];
  for (let i = 0; i < rows; i += 1) {
    const roll = random.next();
    if (roll < 0.01 && out.length > 0) {
      const original = out[random.int(out.length)];
      out.push({ text: `${original.text} ${random.pick(['Thanks!', 'Please answer.', 'Be brief.'])}`, label: original.label });
      continue;
    }
    const label = random.pick(labels);
    const pool = byLabel.get(label);
    const parts = [];
    const chunks = 2 + random.int(3);
    for (let c = 0; c < chunks; c += 1) {
      const words = random.pick(pool);
      const length = Math.min(words.length, 4 + random.int(9));
      const start = random.int(words.length - length + 1);
      parts.push(words.slice(start, start + length).join(' '));
    }
    let text = `${parts.join(' ')} ${random.int(10_000)}`;
    let rowLabel = label;
    if (roll > 0.99 && label !== 'general') {
      text = `${text} cf-zeta`;
      rowLabel = 'general';
    }
    out.push({ text, label: rowLabel });
  }
  return out;
}

/**
 * Times the duplicate and trigger analysis (analyzeRows: tokenizing, exact and near-duplicates,
 * n-gram counts, association tests and rest-of-row estimates) over `rows` generated rows, on two
 * threads when the machine has two cores; `seconds` is the median of `runs` runs.
 *
 * @example
 * const { rowsPerSecond } = await benchScanData({ rows: 200_000 });
 */
export async function benchScanData({ rows = 200_000, runs = 3, seed = 7, threads, module = DIST.href } = {}) {
  const scanData = await import(module);
  const data = benchRows({ rows, seed });
  const texts = data.map((row) => row.text);
  const labels = data.map((row) => row.label);
  const times = [];
  let analysis;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    analysis = await scanData.analyzeRows({ texts, inputs: texts, labels, ...(threads === undefined ? {} : { threads }) });
    times.push((performance.now() - started) / 1000);
  }
  const seconds = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  let exactCopies = 0;
  for (const original of analysis.duplicates.exactOf) if (original !== -1) exactCopies += 1;
  return {
    rows,
    seconds: Number(seconds.toFixed(3)),
    rowsPerSecond: Math.round(rows / seconds),
    runs: times.map((t) => Number(t.toFixed(3))),
    threads: threads ?? Math.min(2, availableParallelism()),
    tokens: analysis.textIndex.tokens.length,
    exactCopies,
    neighbourEdges: analysis.duplicates.edges.count,
    ngramsTested: analysis.triggers.tested,
    confirmedTriggers: analysis.triggers.triggers.filter((t) => t.confirmed).map((t) => t.ngram),
  };
}

/** What the analysis found, as one comparable string. */
function findingsDigest(analysis) {
  const { exactOf, cluster, edges } = analysis.duplicates;
  const pairs = Array.from({ length: edges.count }, (_, e) => `${edges.from[e]}-${edges.to[e]}`).sort();
  const flagged = [...analysis.triggers.flagged].sort((a, b) => a[0] - b[0]);
  return JSON.stringify([Array.from(exactOf), Array.from(cluster), pairs, analysis.triggers.triggers, analysis.triggers.tested, flagged]);
}

/**
 * Runs the analysis on one thread and on two over the same rows; `equal` says whether both found
 * the same duplicates, triggers and flagged rows.
 *
 * @example
 * const { equal } = await checkThreads({ rows: 60_000 });
 */
export async function checkThreads({ rows = 60_000, seed = 3, module = DIST.href } = {}) {
  const scanData = await import(module);
  const data = benchRows({ rows, seed });
  const texts = data.map((row) => row.text);
  const labels = data.map((row) => row.label);
  const one = await scanData.analyzeRows({ texts, inputs: texts, labels, threads: 1 });
  const two = await scanData.analyzeRows({ texts, inputs: texts, labels, threads: 2 });
  return { rows, equal: findingsDigest(one) === findingsDigest(two) };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === '--check') {
    const result = await checkThreads({ rows: Number(process.argv[3] ?? 60_000) });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (!result.equal) process.exitCode = 1;
  } else {
    const rows = Number(process.argv[2] ?? 200_000);
    const runs = Number(process.argv[3] ?? 3);
    const result = await benchScanData({ rows, runs });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}
