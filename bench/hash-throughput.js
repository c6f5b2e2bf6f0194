// Hashing throughput of `rampart sign`/`verify` against `sha256sum` over the same files on the
// same machine (issue 4 target: Rampart ≥ 80% of sha256sum). Both read from a warm page cache, so
// this compares hashing and I/O overhead, not the disk.
//
// Standalone: node bench/hash-throughput.js [--bytes N] [--runs N]   (needs `npm run build` first)
// From bench/run.js: const { benchHashThroughput } = await import('./hash-throughput.js');
import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/**
 * Writes `bytes` of random data into a temporary folder (four large files holding 90% of it and
 * many small files from 4 KiB to 512 KiB holding the rest, like a model folder with its weights,
 * tokenizer and configs), warms the page cache, then times `sha256sum` over every file and
 * Rampart's `hashTree` over the folder, best of `runs` each, alternating.
 *
 * @param {{ bytes?: number, runs?: number }} [options]
 * @returns {Promise<{ sha256sumMBps: number, rampartMBps: number, ratio: number, bytes: number, files: number, workers: number, runs: number, samples: { sha256sumSeconds: number[], rampartSeconds: number[] } }>}
 */
export async function benchHashThroughput({ bytes = 1024 * MiB, runs = 3 } = {}) {
  const { hashTree } = await import('../packages/assurance/dist/signing/index.js');
  const root = mkdtempSync(join(tmpdir(), 'rampart-hash-bench-'));
  try {
    const names = writeCorpus(root, bytes);
    const sha256sum = async () => {
      const { stdout } = await run('sha256sum', ['--', ...names], { cwd: root, maxBuffer: 64 * MiB });
      return stdout;
    };
    // Warm-up: both read every file once, and the digests must agree, or we are not timing the same work.
    const reference = parseSha256sum(await sha256sum());
    const manifest = await hashTree(root, { ignorePaths: [] });
    for (const resource of manifest.resources) {
      if (reference.get(resource.name) !== resource.digest) throw new Error(`digest mismatch for ${resource.name}: sha256sum and Rampart disagree`);
    }
    if (manifest.resources.length !== names.length) throw new Error(`Rampart hashed ${manifest.resources.length} files, expected ${names.length}`);

    const samples = { sha256sumSeconds: [], rampartSeconds: [] };
    for (let i = 0; i < runs; i += 1) {
      samples.sha256sumSeconds.push(await timed(sha256sum));
      samples.rampartSeconds.push(await timed(() => hashTree(root, { ignorePaths: [] })));
    }
    const total = manifest.bytes;
    const mbps = (seconds) => total / 1e6 / Math.min(...seconds);
    const sha256sumMBps = mbps(samples.sha256sumSeconds);
    const rampartMBps = mbps(samples.rampartSeconds);
    return {
      sha256sumMBps: round(sha256sumMBps),
      rampartMBps: round(rampartMBps),
      ratio: round(rampartMBps / sha256sumMBps, 3),
      bytes: total,
      files: names.length,
      workers: Math.min(availableParallelism(), 8),
      runs,
      samples,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Writes the corpus and returns the relative file names. */
function writeCorpus(root, bytes) {
  const names = [];
  const chunk = Buffer.allocUnsafe(8 * MiB);
  const write = (name, size) => {
    const fd = openSync(join(root, name), 'w');
    try {
      for (let left = size; left > 0; left -= chunk.length) {
        const n = Math.min(left, chunk.length);
        randomFillSync(chunk, 0, n);
        writeSync(fd, chunk, 0, n);
      }
    } finally {
      closeSync(fd);
    }
    names.push(name);
  };
  const large = Math.floor((bytes * 0.9) / 4);
  for (let i = 1; i <= 4; i += 1) write(`model-0000${i}-of-00004.safetensors`, large);
  mkdirSync(join(root, 'extra'));
  let left = bytes - 4 * large;
  // Sizes cycle through 4 KiB … 512 KiB so the small files are not all alike.
  for (let i = 0; left > 0; i += 1) {
    const size = Math.min(left, 4096 * 2 ** (i % 8));
    write(`extra/file-${String(i).padStart(5, '0')}.bin`, size);
    left -= size;
  }
  return names;
}

function parseSha256sum(stdout) {
  const digests = new Map();
  for (const line of stdout.split('\n')) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (match) digests.set(match[2], match[1]);
  }
  return digests;
}

async function timed(work) {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

function round(value, digits = 1) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const option = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return at >= 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const result = await benchHashThroughput({ bytes: option('--bytes', 1024 * MiB), runs: option('--runs', 3) });
  console.log(JSON.stringify(result, null, 2));
}
