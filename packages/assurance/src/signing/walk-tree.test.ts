import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { walkTree } from './walk-tree.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rampart-walk-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('walkTree', () => {
  it('lists regular files in canonical order, skips empty folders and the default-style ignore list', async () => {
    const root = tree({ 'a-b': '1', 'a/b': '2', 'a/c/d.bin': '3', 'B.txt': '4', '.git/HEAD': 'ref', 'z.json': '5' });
    mkdirSync(join(root, 'empty/nested'), { recursive: true });
    const walk = await walkTree(root, { ignorePaths: ['.git'] });
    expect(walk.files.map((f) => f.path)).toEqual(['B.txt', 'a/b', 'a/c/d.bin', 'a-b', 'z.json']);
    expect(walk.unsafe).toEqual([]);
    expect(walk.root).toBe(realpathSync(root));
  });

  it('refuses a symbolic link that leaves the tree, even when links are allowed', async () => {
    const root = tree({ 'model.bin': 'x' });
    symlinkSync('/etc/passwd', join(root, 'weights.bin'));
    symlinkSync('../../..', join(root, 'up'));
    for (const allowSymlinks of [false, true]) {
      const walk = await walkTree(root, { allowSymlinks });
      expect(walk.files.map((f) => f.path)).toEqual(['model.bin']);
      expect(walk.unsafe).toEqual([
        { path: 'up', reason: expect.stringContaining('outside the tree') },
        { path: 'weights.bin', reason: 'symbolic link pointing outside the tree (-> /etc/passwd)' },
      ]);
    }
  });

  it('refuses links inside the tree by default; with allowSymlinks follows only links to files', async () => {
    const root = tree({ 'real/model.bin': 'weights' });
    symlinkSync('real/model.bin', join(root, 'alias.bin'));
    symlinkSync('real', join(root, 'dirlink'));
    symlinkSync('missing', join(root, 'dangling'));
    const strict = await walkTree(root);
    expect(strict.unsafe.map((u) => u.path)).toEqual(['alias.bin', 'dangling', 'dirlink']);
    expect(strict.unsafe[0]?.reason).toMatch(/refused unless allow_symlinks/);
    const lenient = await walkTree(root, { allowSymlinks: true });
    expect(lenient.files.map((f) => f.path)).toEqual(['alias.bin', 'real/model.bin']);
    expect(lenient.files[0]?.absolutePath).toBe(join(realpathSync(root), 'real/model.bin'));
    expect(lenient.unsafe.map((u) => [u.path, u.reason])).toEqual([
      ['dangling', 'dangling symbolic link (-> missing)'],
      ['dirlink', expect.stringContaining('not followed')],
    ]);
  });

  it('never opens a FIFO (it could block forever) and reports it', async () => {
    const root = tree({ 'ok.txt': 'ok' });
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const walk = await walkTree(root);
    expect(walk.unsafe).toEqual([{ path: 'pipe', reason: expect.stringMatching(/FIFO/) }]);
  });

  it('reports names that are not UTF-8 or contain a backslash instead of mangling them', async () => {
    const root = tree({ 'ok.txt': 'ok', 'a\\..\\..\\evil': 'x' });
    writeFileSync(Buffer.concat([Buffer.from(`${root}/bad`), Buffer.from([0xff, 0xfe])]), 'x');
    const walk = await walkTree(root);
    expect(walk.files.map((f) => f.path)).toEqual(['ok.txt']);
    expect(walk.unsafe.map((u) => u.reason)).toEqual([expect.stringMatching(/backslash/), expect.stringMatching(/not valid UTF-8 \(bytes 626164fffe\)/)]);
  });

  it('keeps odd but valid Unicode names exactly (NFC and NFD are different files)', async () => {
    const nfc = 'caf\u00e9.txt';
    const nfd = 'cafe\u0301.txt';
    const root = tree({ [nfc]: '1', [nfd]: '2', 'line\nbreak': '3', '\u{1f600}/\u202eevil': '4', ' space ': '5' });
    const walk = await walkTree(root);
    expect(walk.files.map((f) => f.path).sort()).toEqual([' space ', nfd, nfc, 'line\nbreak', '\u{1f600}/\u202eevil'].sort());
  });

  it('leaves out excluded files (the signature) and reports where they were', async () => {
    const root = tree({ 'model.bin': 'x', 'sig/model.sig': '{}' });
    const walk = await walkTree(root, { excludeFiles: [join(root, 'sig/model.sig'), join(root, 'not-yet-written.sig')] });
    expect(walk.files.map((f) => f.path)).toEqual(['model.bin']);
    expect(walk.excluded).toEqual(['not-yet-written.sig', 'sig/model.sig']);
  });

  it('treats a single file as a one-file tree named after it', async () => {
    const root = tree({ 'data.jsonl': '{}\n' });
    const walk = await walkTree(join(root, 'data.jsonl'));
    expect(walk.files.map((f) => f.path)).toEqual(['data.jsonl']);
    expect(walk.modelName).toBe('data.jsonl');
  });

  it('fails clearly on a missing root', async () => {
    await expect(walkTree('/nonexistent/rampart-model')).rejects.toThrow('/nonexistent/rampart-model: no such file or directory.');
  });
});
