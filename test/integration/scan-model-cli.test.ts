import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

const fixtures = fileURLToPath(new URL('../../packages/assurance/src/scan-model/fixtures/', import.meta.url));
const fixture = (name: string) => join(fixtures, name);

describe('rampart scan-model', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-scan-model-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 and names the import for a malicious pickle', async () => {
    const { code, stdout } = await runCliInProcess(['scan-model', fixture('pickle/os-system-p2.pkl')]);
    expect(code).toBe(1);
    expect(stdout).toContain('[pickle] 1 finding');
    expect(stdout).toMatch(/CRITICAL +pickle-dangerous-import: imports posix\.system: .* \(at byte \d+\)/);
    expect(stdout).toMatch(/1 files scanned \(0 not parsed\); findings: 1 critical, 0 high, 0 medium, 0 low, 0 info; exit 1/);
  });

  it('exits 0 for clean files, 3 for warnings only, 4 for a file it cannot parse', async () => {
    expect((await runCliInProcess(['scan-model', fixture('torch/standard.pt')])).code).toBe(0);
    expect((await runCliInProcess(['scan-model', fixture('safetensors/good.safetensors')])).stdout).toContain('[safetensors] ok');
    expect((await runCliInProcess(['scan-model', fixture('pickle/unknown-class.pkl')])).code).toBe(3);
    const truncated = await runCliInProcess(['scan-model', fixture('malformed/truncated-benign.pkl')]);
    expect(truncated.code).toBe(4);
    expect(truncated.stdout).toContain('NOT PARSED');
    expect(truncated.stdout).toContain('could not parse pickle');
  });

  it('catches a payload appended to a clean pickle (tamper test)', async () => {
    const path = join(dir, 'model.pkl');
    copyFileSync(fixture('pickle/benign-p4.pkl'), path);
    expect((await runCliInProcess(['scan-model', path])).code).toBe(0);
    appendFileSync(path, readFileSync(fixture('pickle/stack-global-p4.pkl')));
    expect((await runCliInProcess(['scan-model', path])).code).toBe(1);
  });

  it('says a Git LFS pointer is not the model', async () => {
    const { code, stdout } = await runCliInProcess(['scan-model', fixture('safetensors/lfs-pointer.safetensors')]);
    expect(code).toBe(4);
    expect(stdout).toContain('git lfs pull');
  });

  it('--json prints files with findings and a summary', async () => {
    const { code, stdout } = await runCliInProcess(['scan-model', fixture('torch'), '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { files: { path: string; format: string; parsed: boolean; findings: { severity: string; rule: string; message: string; entry?: string }[] }[]; summary: Record<string, unknown> };
    const dotdot = report.files.find((f) => f.path.endsWith('dotdot-entry.pt'));
    expect(dotdot).toMatchObject({ format: 'pytorch-zip', parsed: true });
    expect(dotdot?.findings).toContainEqual(expect.objectContaining({ severity: 'critical', rule: 'pickle-dangerous-import', entry: '../evil.pkl' }));
    expect(dotdot?.findings).toContainEqual(expect.objectContaining({ severity: 'high', rule: 'zip-unsafe-entry-name' }));
    expect(report.summary).toMatchObject({ files: report.files.length, exitCode: 1, highest: 'critical' });
  });

  it('--sarif prints SARIF 2.1.0', async () => {
    const { code, stdout } = await runCliInProcess(['scan-model', fixture('onnx'), '--sarif']);
    expect(code).toBe(1);
    const sarif = JSON.parse(stdout) as { version: string; runs: { tool: { driver: { name: string } }; results: { ruleId: string; level: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.tool.driver.name).toBe('rampart scan-model');
    expect(sarif.runs[0]?.results).toContainEqual(expect.objectContaining({ ruleId: 'onnx-external-data-escape', level: 'error' }));
  });

  it('exits 2 on usage errors', async () => {
    const missing = await runCliInProcess(['scan-model', join(dir, 'nope.pt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('RAMPART_E_INPUT_INVALID');
    const both = await runCliInProcess(['scan-model', fixture('torch/standard.pt'), '--json', '--sarif']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('RAMPART_E_CLI_USAGE');
    expect((await runCliInProcess(['scan-model'])).code).toBe(2);
  });
});
