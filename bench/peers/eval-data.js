// Eval inputs for the peer benchmark: the held-out split that `rampart train --splits` writes,
// XSTest, or files given with --data; all in `rampart eval`'s JSON Lines format.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseExamples } from '@rampart/core';

const CLI = new URL('../../packages/cli/bin/rampart.js', import.meta.url).pathname;
export const XSTEST = new URL('../../datasets/public/xstest.jsonl', import.meta.url).pathname;

const SHIPPED_REPORT = new URL('../../packages/core/models/classifier.report.json', import.meta.url);

/**
 * Writes the seeded train/calibration/held-out split into `dir` and returns the held-out file,
 * with whether it is the shipped model's own split. The retrained model goes to `dir` (--out), so
 * the repository's model is left alone. Training is seeded: when the retrained model's hash equals
 * the shipped one, the split is exactly the one the shipped model never saw; when the data hash
 * differs, datasets/ changed since the model was trained and held-out rows may be training rows.
 *
 * @example const { heldout, matchesShippedModel } = writeHeldOutSplit(mkdtempSync(join(tmpdir(), 'peers-')));
 */
export function writeHeldOutSplit(dir) {
  const model = join(dir, 'model', 'classifier.bin');
  const run = spawnSync(process.execPath, [CLI, 'train', '--splits', dir, '--out', model], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`rampart train --splits failed (exit ${run.status}): ${(run.stderr || run.stdout).slice(-2000)}`);
  const fresh = readJson(join(dir, 'model', 'classifier.report.json'));
  const shipped = readJson(SHIPPED_REPORT);
  return {
    heldout: join(dir, 'heldout.jsonl'),
    sameModel: fresh?.modelSha256 !== undefined && fresh.modelSha256 === shipped?.modelSha256,
    sameData: fresh?.dataSha256 !== undefined && fresh.dataSha256 === shipped?.dataSha256,
  };
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Parses each file with Rampart's own eval parser; a bad line throws with its file and line. */
export function loadEvalFiles(paths) {
  return paths.map((path) => {
    const text = readFileSync(path, 'utf8');
    return { path, name: basename(path), sha256: createHash('sha256').update(text).digest('hex'), examples: parseExamples(text, path) };
  });
}

/** One key per distinct input: a guard sees each once even when files overlap (XSTest is in the held-out split). */
export function rowKey(example) {
  return createHash('sha256').update(JSON.stringify(example.messages ?? example.text)).digest('hex').slice(0, 24);
}

/**
 * A deterministic stratified sample: for each label, the `perLabel` rows whose seeded hash is
 * smallest. The same files give the same sample on every machine.
 *
 * @example stratifiedSample(examples, 15) // 15 malicious and 15 benign rows, alternating
 */
export function stratifiedSample(examples, perLabel) {
  const rank = (example) => createHash('sha256').update(`peers-sample-v1:${rowKey(example)}`).digest('hex');
  const byLabel = ['malicious', 'benign'].map((label) => {
    const ofLabel = examples.filter((e) => e.label === label).map((e) => ({ e, r: rank(e) }));
    ofLabel.sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0));
    return ofLabel.slice(0, perLabel).map(({ e }) => e);
  });
  // Alternate the labels, so a run cut short by its time budget still has both.
  return interleave(byLabel);
}

/** [[a1, a2], [b1]] → [a1, b1, a2]: the lists' items taken in turn. */
export function interleave(lists) {
  const out = [];
  for (let i = 0; lists.some((list) => i < list.length); i += 1) for (const list of lists) if (i < list.length) out.push(list[i]);
  return out;
}
