import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashTree } from './hash-tree.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, Buffer | string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rampart-hash-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('hashTree', () => {
  it('one SHA-256 per file, equal to hashing the whole file (what sha256sum prints)', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17); // spans several 1 MiB read chunks
    const root = tree({ 'config.json': '{"a":1}', 'w/model.bin': big, 'empty': '' });
    const manifest = await hashTree(root, { workers: 2 });
    expect(manifest.serialization).toEqual({ method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: ['.git', '.gitattributes', '.github', '.gitignore'] });
    expect(manifest.resources).toEqual([
      { name: 'config.json', algorithm: 'sha256', digest: sha256('{"a":1}') },
      { name: 'empty', algorithm: 'sha256', digest: sha256('') },
      { name: 'w/model.bin', algorithm: 'sha256', digest: sha256(big) },
    ]);
    expect(manifest.bytes).toBe(big.length + 7);
  });

  it('cuts files larger than the shard size into path:start:end shards hashed in parallel', async () => {
    const big = randomBytes(10_000);
    const root = tree({ 'big.bin': big, 'small.txt': 'hi', 'zero': '' });
    const manifest = await hashTree(root, { shardSize: 4096, workers: 3 });
    expect(manifest.serialization).toMatchObject({ method: 'shards', shard_size: 4096 });
    expect(manifest.resources).toEqual([
      { name: 'big.bin:0:4096', algorithm: 'sha256', digest: sha256(big.subarray(0, 4096)) },
      { name: 'big.bin:4096:8192', algorithm: 'sha256', digest: sha256(big.subarray(4096, 8192)) },
      { name: 'big.bin:8192:10000', algorithm: 'sha256', digest: sha256(big.subarray(8192)) },
      { name: 'small.txt:0:2', algorithm: 'sha256', digest: sha256('hi') },
      { name: 'zero:0:0', algorithm: 'sha256', digest: sha256('') },
    ]);
  });

  it('gives the same manifest whatever the number of workers (many small files are batched)', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i += 1) files[`d${i % 7}/f${i}.txt`] = `content ${i}`;
    const root = tree(files);
    const one = await hashTree(root, { workers: 1 });
    const three = await hashTree(root, { workers: 3 });
    expect(three.resources).toEqual(one.resources);
    expect(one.resources).toHaveLength(600);
    expect(one.resources.find((r) => r.name === 'd3/f3.txt')?.digest).toBe(sha256(readFileSync(join(root, 'd3/f3.txt'))));
  });

  it('refuses unsafe entries by default and lists them in collect mode', async () => {
    const root = tree({ 'a.txt': 'a', 'b\\c': 'b' });
    await expect(hashTree(root)).rejects.toThrow(/refusing to hash a tree with 1 unsafe entry/);
    const collected = await hashTree(root, { onUnsafe: 'collect' });
    expect(collected.unsafe).toHaveLength(1);
    expect(collected.resources.map((r) => r.name)).toEqual(['a.txt']);
  });

  it('rejects a tiny shard size and ignore paths that try to climb out', async () => {
    const root = tree({ 'a.txt': 'a' });
    await expect(hashTree(root, { shardSize: 10 })).rejects.toThrow(/at least 4096/);
    await expect(hashTree(root, { ignorePaths: ['../x'] })).rejects.toThrow(/contains a '..' component/);
  });
});
