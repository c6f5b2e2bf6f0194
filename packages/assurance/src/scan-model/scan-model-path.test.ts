import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanExitCode } from './scan-exit-code.js';
import { scanModelPath } from './scan-model-path.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

describe('scanModelPath', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-scan-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('walks a folder, skips files that are not models and reports by format', async () => {
    mkdirSync(join(dir, 'sub'));
    copyFileSync(fixture('safetensors/good.safetensors'), join(dir, 'model.safetensors'));
    copyFileSync(fixture('pickle/os-system-p4.pkl'), join(dir, 'sub', 'blob'));
    writeFileSync(join(dir, 'README.md'), '# model\n');
    writeFileSync(join(dir, 'config.json'), '{"a":1}');
    const report = await scanModelPath(dir);
    expect(report.files.map((f) => [f.path.slice(dir.length + 1), f.format])).toEqual([
      ['model.safetensors', 'safetensors'],
      ['sub/blob', 'pickle'],
    ]);
    expect(report.summary).toMatchObject({ files: 2, skipped: 2, unparsed: 0, highest: 'critical', exitCode: 1 });
  });

  it('does not follow a symlink out of the folder, and scans links inside it once', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'rampart-outside-'));
    try {
      copyFileSync(fixture('pickle/os-system-p2.pkl'), join(outside, 'evil.pkl'));
      mkdirSync(join(dir, 'blobs'));
      copyFileSync(fixture('safetensors/good.safetensors'), join(dir, 'blobs', 'abc123'));
      symlinkSync(join(outside, 'evil.pkl'), join(dir, 'escape.pkl'));
      symlinkSync(join(dir, 'blobs', 'abc123'), join(dir, 'model.safetensors'));
      const report = await scanModelPath(dir);
      expect(report.files.map((f) => f.path.slice(dir.length + 1))).toEqual(['escape.pkl', 'model.safetensors']);
      expect(report.files[0]?.findings).toEqual([expect.objectContaining({ rule: 'symlink-outside-root', severity: 'medium' })]);
      expect(report.summary.exitCode).toBe(3);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reports an unrecognised file named directly instead of skipping it', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const report = await scanModelPath(join(dir, 'notes.txt'));
    expect(report.files[0]).toMatchObject({ format: 'unknown', parsed: false });
    expect(report.summary.exitCode).toBe(4);
  });

  it('says when a folder holds more files than the scan limit', async () => {
    for (const name of ['a.pkl', 'b.pkl', 'c.pkl']) writeFileSync(join(dir, name), Buffer.from([0x80, 2, 0x4e, 0x2e]));
    const report = await scanModelPath(dir, { limits: { maxFiles: 2 } });
    expect(report.files).toHaveLength(3);
    expect(report.files.find((f) => !f.parsed)?.findings[0]?.message).toMatch(/more than 2 files/);
    expect(report.summary.exitCode).toBe(4);
  });

  it('throws a user error for a path that does not exist', async () => {
    await expect(scanModelPath(join(dir, 'missing.pt'))).rejects.toMatchObject({ code: 'RAMPART_E_INPUT_INVALID', fault: 'user' });
  });

  it('treats a folder named like a model file as a folder', async () => {
    writeFileSync(join(dir, 'a.pkl'), Buffer.from([0x80, 2, 0x4e, 0x2e]));
    mkdirSync(join(dir, 'dir.pkl'));
    writeFileSync(join(dir, 'dir.pkl', 'b.pkl'), Buffer.from([0x80, 2, 0x4e, 0x2e]));
    const report = await scanModelPath(dir);
    expect(report.files.map((f) => f.path.slice(dir.length + 1))).toEqual(['a.pkl', 'dir.pkl/b.pkl']);
    expect(report.summary.exitCode).toBe(0);
  });
});

describe('scanExitCode', () => {
  const file = (parsed: boolean, ...severities: ('critical' | 'high' | 'medium' | 'low' | 'info')[]) => ({ parsed, findings: severities.map((severity) => ({ severity, rule: 'parse-error' as const, message: '' })) });
  it.each([
    [[file(true)], 0],
    [[file(true, 'info')], 0],
    [[file(true, 'low')], 3],
    [[file(true, 'medium'), file(true, 'info')], 3],
    [[file(false, 'medium')], 4],
    [[file(false, 'medium'), file(true, 'high')], 1],
    [[file(true, 'critical')], 1],
  ])('%j -> %i', (files, code) => {
    expect(scanExitCode(files)).toBe(code);
  });
});
