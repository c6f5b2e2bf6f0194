import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTasks, type SizedHashTask } from './hash-tasks.js';

/**
 * The reader's own defences, for files swapped between the walk and the read: a worker must refuse
 * a different inode, a symbolic link, a FIFO (without blocking on it) and a file whose size changed.
 */
describe('hashTasks', () => {
  let dir: string;
  let file: string;
  let task: SizedHashTask;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-tasks-'));
    file = join(dir, 'model.bin');
    writeFileSync(file, 'weights');
    const stats = statSync(file, { bigint: true });
    task = { path: file, start: 0, end: -1, dev: String(stats.dev), ino: String(stats.ino), fileSize: 7, size: 7, label: 'model.bin' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hashes a byte range and the whole file', async () => {
    const [whole, part] = await hashTasks([task, { ...task, start: 2, end: 5, size: 3 }], { workers: 1 });
    expect(whole).toEqual({ digest: createHash('sha256').update('weights').digest('hex'), bytes: 7 });
    expect(part).toEqual({ digest: createHash('sha256').update('igh').digest('hex'), bytes: 3 });
  });

  it('refuses a file that is not the one the walk saw', async () => {
    await expect(hashTasks([{ ...task, ino: '1' }])).rejects.toThrow('model.bin: was replaced while hashing.');
    await expect(hashTasks([{ ...task, fileSize: 8 }])).rejects.toThrow('model.bin: changed size while hashing.');
  });

  it('does not follow a symbolic link swapped in, nor block on a FIFO', async () => {
    const link = join(dir, 'link.bin');
    symlinkSync(file, link);
    await expect(hashTasks([{ ...task, path: link, label: 'link.bin' }])).rejects.toThrow('link.bin: was replaced by a symbolic link while hashing.');
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(hashTasks([{ ...task, path: fifo, label: 'pipe' }])).rejects.toThrow('pipe: was replaced while hashing.');
  });

  it('falls back to the default pool for a nonsensical worker count instead of hanging', async () => {
    const [result] = await hashTasks([task], { workers: Number.NaN });
    expect(result?.bytes).toBe(7);
  });

  it('reports a missing file by name', async () => {
    await expect(hashTasks([{ ...task, path: join(dir, 'gone'), label: 'gone' }])).rejects.toThrow('gone: could not be opened (ENOENT).');
  });
});
