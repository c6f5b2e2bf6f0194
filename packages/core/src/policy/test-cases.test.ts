import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../contracts/decision.js';
import { DEFAULT_POLICY_FILE } from './load-policy.js';
import { loadPolicyTestFile, loadPolicyUnderTest, policyTestMessages, runPolicyTests, type PolicyTestFile } from './test-cases.js';

const DEFAULT_TESTS = fileURLToPath(new URL('../../policies/default.test.yaml', import.meta.url));

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rampart-policy-test-')), name);
  writeFileSync(file, text);
  return file;
}

describe('loadPolicyTestFile', () => {
  it('loads the default policy test file, which covers every action', () => {
    const loaded = loadPolicyTestFile(DEFAULT_TESTS);
    expect(loaded.policyPath).toBeUndefined();
    expect(loaded.file.cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(loaded.file.cases.map((c) => c.expect.action))).toEqual(new Set(ACTIONS));
    expect(loaded.file.cases.filter((c) => c.expect.action === 'allow').length).toBeGreaterThanOrEqual(5);
    expect(loadPolicyUnderTest(loaded).name).toBe('rampart-default');
  });

  it('fills in the context defaults and lowercases the purpose', () => {
    const file = tempFile('t.yaml', 'cases:\n  - name: a\n    input: hi\n    context: { purpose: Red-Team }\n    expect: { action: allow }\n');
    const [testCase] = loadPolicyTestFile(file).file.cases;
    expect(testCase?.context).toEqual({ tier: 'standard', scopes: ['chat'], purpose: 'red-team', holdForReview: false, shadow: false });
  });

  it('resolves the policy relative to the test file', () => {
    const file = tempFile('t.yaml', 'policy: ../policies/mine.yaml\ncases:\n  - name: a\n    input: hi\n    expect: { action: allow }\n');
    expect(loadPolicyTestFile(file).policyPath).toBe(join(file, '..', '..', 'policies', 'mine.yaml'));
    expect(() => loadPolicyUnderTest(loadPolicyTestFile(file))).toThrow(/Cannot read policy file/);
    expect(DEFAULT_POLICY_FILE).toMatch(/packages\/core\/policies\/default\.yaml$/);
  });

  it('names the file and the case of every issue', () => {
    const file = tempFile(
      'bad.yaml',
      'cases:\n' +
        '  - name: wrong action\n    input: hi\n    expect: { action: deny }\n' +
        '  - name: wrong tier\n    input: hi\n    context: { tier: gold }\n    expect: { action: allow }\n' +
        '  - name: wrong tier\n    input: [{ role: wizard, content: x }]\n    expect: { action: allow }\n',
    );
    let error: unknown;
    try {
      loadPolicyTestFile(file);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: 'RAMPART_E_INPUT_INVALID' });
    const { message, details } = error as { message: string; details: string[] };
    expect(message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: case "wrong action": expect\\.action: Invalid option`));
    expect(details).toEqual(
      expect.arrayContaining([expect.stringMatching(/^case "wrong tier": context\.tier: /), expect.stringMatching(/^case "wrong tier": input: /)]),
    );
  });

  it('reports unreadable files and bad YAML', () => {
    expect(() => loadPolicyTestFile('/nonexistent/t.yaml')).toThrow(/Cannot read policy test file \/nonexistent\/t\.yaml: ENOENT/);
    expect(() => loadPolicyTestFile(tempFile('t.yaml', 'cases: [\n'))).toThrow(/not valid YAML/);
    expect(() => loadPolicyTestFile(tempFile('t.yaml', 'cases: []\n'))).toThrow(/cases: /);
  });
});

describe('runPolicyTests', () => {
  const file: PolicyTestFile = {
    cases: [
      { name: 'blocked', input: 'bad', context: { tier: 'standard', scopes: ['chat'], holdForReview: false, shadow: false }, expect: { action: 'block', reasons: ['cyber.x'] } },
      { name: 'held', input: [{ role: 'user', content: 'fine' }], context: { tier: 'anonymous', scopes: ['chat'], holdForReview: true, shadow: false }, expect: { action: 'review' } },
      { name: 'shadowed', input: 'bad', context: { tier: 'standard', scopes: ['chat'], holdForReview: false, shadow: true }, expect: { action: 'block', enforced: 'allow' } },
    ],
  };

  it('passes cases whose action, enforced action and reasons match', async () => {
    const seen: unknown[] = [];
    const report = await runPolicyTests(file, async (input, context) => {
      seen.push([policyTestMessages(input), context.tier]);
      if (context.holdForReview) return { action: 'review', reasons: ['principal.hold_for_review'] };
      return { action: 'block', enforced: context.shadow ? 'allow' : 'block', reasons: ['cyber.x', 'cyber.y'] };
    });
    expect(report).toMatchObject({ passed: 3, failed: 0 });
    expect(report.results[0]).toEqual({ name: 'blocked', ok: true, expected: 'block', actual: 'block', reasons: ['cyber.x', 'cyber.y'], problems: [] });
    expect(seen).toEqual([
      [[{ role: 'user', content: 'bad' }], 'standard'],
      [[{ role: 'user', content: 'fine' }], 'anonymous'],
      [[{ role: 'user', content: 'bad' }], 'standard'],
    ]);
  });

  it('fails cases with the wrong action, enforced action or a missing reason, saying why', async () => {
    const report = await runPolicyTests(file, async () => ({ action: 'guide', enforced: 'guide', reasons: [] }));
    expect(report).toMatchObject({ passed: 0, failed: 3 });
    expect(report.results[0]?.problems).toEqual(['expected action block, got guide', 'expected reason cyber.x to be cited']);
    expect(report.results[2]?.problems).toEqual(['expected action block, got guide', 'expected enforced allow, got guide']);
  });

  it('aborts when the inspection itself fails', async () => {
    await expect(runPolicyTests(file, async () => Promise.reject(new Error('pipeline misconfigured')))).rejects.toThrow('pipeline misconfigured');
  });
});
