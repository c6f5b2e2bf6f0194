import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { highestSeverity, type FileReport } from './finding.js';
import { scanModelPath } from './scan-model-path.js';

interface Expected {
  file: string;
  category: 'malicious' | 'suspicious' | 'benign' | 'malformed';
  expect: 'critical' | 'high' | 'medium' | 'low' | 'info' | 'none';
  parsed: boolean;
  note: string;
}

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const manifest = (JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as { fixtures: Expected[] }).fixtures;
const reports = new Map<string, FileReport>();

beforeAll(async () => {
  for (const fixture of manifest) {
    const report = await scanModelPath(join(fixtures, fixture.file));
    reports.set(fixture.file, report.files[0] as FileReport);
  }
});

describe('fixture corpus (scripts/make-model-fixtures.py)', () => {
  it('has every kind of fixture', () => {
    const categories = new Set(manifest.map((f) => f.category));
    expect([...categories].sort()).toEqual(['benign', 'malformed', 'malicious', 'suspicious']);
    expect(manifest.filter((f) => f.category === 'malicious').length).toBeGreaterThan(60);
  });

  it.each(manifest)('$file: highest severity $expect, parsed $parsed', (fixture) => {
    const report = reports.get(fixture.file) as FileReport;
    const summary = report.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`).join('\n');
    expect(highestSeverity(report.findings) ?? 'none', summary).toBe(fixture.expect);
    expect(report.parsed, summary).toBe(fixture.parsed);
  });

  it('catches every malicious fixture at high or critical (detection rate 100%)', () => {
    const malicious = manifest.filter((f) => f.category === 'malicious');
    const missed = malicious.filter((f) => {
      const highest = highestSeverity(reports.get(f.file)?.findings ?? []);
      return highest !== 'critical' && highest !== 'high';
    });
    expect(missed.map((f) => f.file)).toEqual([]);
  });

  it('raises nothing above low on benign fixtures', () => {
    const noisy = manifest.filter((f) => f.category === 'benign').filter((f) => {
      const highest = highestSeverity(reports.get(f.file)?.findings ?? []);
      return highest === 'critical' || highest === 'high' || highest === 'medium';
    });
    expect(noisy.map((f) => f.file)).toEqual([]);
  });
});
