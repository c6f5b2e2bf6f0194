import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanModelPath } from './scan-model-path.js';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const manifest = (JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { fixtures: { file: string; category: string }[] }).fixtures;
const seeds = manifest.filter((f) => f.category !== 'malformed').map((f) => f.file);

/** mulberry32: a small seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(bytes: Buffer, next: () => number): Buffer {
  const at = Math.floor(next() * bytes.length);
  const out = Buffer.from(bytes);
  switch (Math.floor(next() * 5)) {
    case 0:
      return out.subarray(0, at);
    case 1:
      for (let i = 0; i < 1 + next() * 8; i++) out[Math.floor(next() * out.length)] = Math.floor(next() * 256);
      return out;
    case 2:
      return Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: 1 + Math.floor(next() * 16) }, () => Math.floor(next() * 256))), out.subarray(at)]);
    case 3:
      return Buffer.concat([out, out.subarray(at)]);
    default:
      if (at + 8 <= out.length) out.fill(0xff, at, at + (next() < 0.5 ? 4 : 8));
      return out;
  }
}

describe('mutated fixtures (seeded fuzzing)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never throws and never hangs on 400 truncated, flipped, spliced or overwritten files', async () => {
    const next = random(20240601);
    let unparsed = 0;
    let slowest = 0;
    for (let i = 0; i < 400; i++) {
      const name = seeds[Math.floor(next() * seeds.length)] as string;
      const path = join(dir, `m${i}${extname(name)}`);
      writeFileSync(path, mutate(readFileSync(join(fixtures, name)), next));
      const started = performance.now();
      const report = await scanModelPath(path);
      slowest = Math.max(slowest, performance.now() - started);
      expect(report.files).toHaveLength(1);
      if (!report.files[0]?.parsed) unparsed += 1;
      rmSync(path);
    }
    expect(slowest).toBeLessThan(2000);
    expect(unparsed).toBeGreaterThan(40);
  });
});
