import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RampartError } from '../errors/rampart-error.js';
import { compileGlob, globCanMatchPrefix } from './compile-glob.js';
import { compilePolicy } from './compile.js';
import { loadDefaultPolicy, loadPolicyFile, parsePolicy } from './load-policy.js';

function policyError(text: string, source = 'policies/x.yaml', options = {}): RampartError {
  try {
    parsePolicy(text, source, options);
  } catch (error) {
    if (error instanceof RampartError) return error;
    throw error;
  }
  throw new Error('expected the policy to be rejected');
}

const header = 'version: 1\nname: test\n';

describe('parsePolicy', () => {
  it('names the file, the rule and the field of an invalid condition', () => {
    const error = policyError(`${header}rules:\n  - id: block-critical\n    when: { minSeverity: severe }\n    action: block\n`);
    expect(error.code).toBe('RAMPART_E_POLICY_INVALID');
    expect(error.fault).toBe('user');
    expect(error.message).toMatch(/^policies\/x\.yaml: rule "block-critical": when\.minSeverity: Invalid option/);
  });

  it('lists every issue in details, each naming its rule or exception', () => {
    const error = policyError(
      `${header}rules:\n` +
        `  - id: a\n    when: { categories: [cyber.*] }\n    action: obliterate\n` +
        `  - id: b\n    when: { categories: [cyber.*], colour: red }\n    action: block\n` +
        `  - when: {}\n    action: allow\n` +
        `exceptions:\n  - id: e1\n    reason: r\n    approvedBy: x\n    expires: 2026-01-01\n    scope: { keyId: k }\n    match: { categories: [phishing] }\n`,
    );
    expect(error.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rule "a": action: /),
        expect.stringMatching(/^rule "b": when: Unrecognized key: "colour"/),
        expect.stringMatching(/^rule #3: id: /),
        expect.stringMatching(/^exception "e1": expires: Invalid ISO datetime/),
      ]),
    );
    expect(error.message).toMatch(/and 3 more issues/);
  });

  it('rejects unknown top-level keys', () => {
    expect(policyError(`${header}rules: []\ndefaultActon: block\n`).message).toMatch(/Unrecognized key: "defaultActon"/);
  });

  it('rejects duplicate rule ids, even alongside other issues', () => {
    const rule = '  - id: same\n    when: { categories: [jailbreak] }\n    action: block\n';
    const alone = policyError(`${header}rules:\n${rule}${rule}`);
    expect(alone.message).toContain('rule "same": id: duplicate id "same" (first used by rule #1)');
    const mixed = policyError(`${header}mode: loud\nrules:\n${rule}${rule}`);
    expect(mixed.details).toEqual(expect.arrayContaining([expect.stringMatching(/^mode: /), expect.stringMatching(/duplicate id "same"/)]));
  });

  it('rejects category globs that match no known category', () => {
    const error = policyError(`${header}rules:\n  - id: typo\n    when: { categories: [cyber.ransom*, jailbrake] }\n    action: block\n`);
    expect(error.details).toEqual([
      expect.stringMatching(/^rule "typo": when\.categories\[0\]: "cyber\.ransom\*" matches no known category/),
      expect.stringMatching(/^rule "typo": when\.categories\[1\]: "jailbrake" matches no known category/),
    ]);
  });

  it('rejects a reroute rule without a model only when no default restricted model exists', () => {
    const text = `${header}rules:\n  - id: soft\n    when: { categories: [jailbreak] }\n    action: reroute\n`;
    expect(parsePolicy(text, 'p.yaml').rules[0]?.action).toBe('reroute');
    expect(policyError(text, 'p.yaml', { requireRerouteModel: true }).message).toBe(
      'p.yaml: rule "soft": model: is required for action "reroute": no default restricted model is configured',
    );
    expect(() => parsePolicy(text.replace('action: reroute', 'action: reroute\n    model: safe'), 'p.yaml', { requireRerouteModel: true })).not.toThrow();
  });

  it('rejects a model on a non-reroute rule, a message on allow, and contradictory conditions', () => {
    const error = policyError(
      `${header}rules:\n` +
        `  - id: m\n    when: { categories: [jailbreak] }\n    action: block\n    model: x\n` +
        `  - id: n\n    when: { noFindings: true }\n    action: allow\n    message: hi\n` +
        `  - id: o\n    when: { minSeverity: high, maxSeverity: low }\n    action: warn\n` +
        `  - id: p\n    when: { noFindings: true, categories: [jailbreak] }\n    action: warn\n`,
    );
    expect(error.details).toEqual([
      expect.stringMatching(/^rule "m": model: only applies to action "reroute"/),
      expect.stringMatching(/^rule "n": message: has no effect for action "allow"/),
      expect.stringMatching(/^rule "o": when\.maxSeverity: is below minSeverity/),
      expect.stringMatching(/^rule "p": when\.noFindings: cannot be combined/),
    ]);
  });

  it('rejects a guide instruction containing the guidance separator', () => {
    const error = policyError(`${header}rules:\n  - id: g\n    when: { categories: [cyber.*] }\n    action: guide\n    message: "a\\n---\\nb"\n`);
    expect(error.message).toMatch(/rule "g": message: must not contain a line holding only "---"/);
  });

  it('reports YAML syntax errors and duplicate keys', () => {
    expect(policyError('version: 1\nname: [unclosed\n').message).toMatch(/^policies\/x\.yaml: not valid YAML/);
    expect(policyError('version: 1\nversion: 1\nname: t\nrules: []\n').message).toMatch(/not valid YAML/);
  });

  it('lowercases declared purposes and freezes the document', () => {
    const doc = parsePolicy(`${header}rules:\n  - id: p\n    when: { purposes: [Red-Team] }\n    action: warn\n`, 'p.yaml');
    expect(doc.rules[0]?.when.purposes).toEqual(['red-team']);
    expect(doc.mode).toBe('enforce');
    expect(doc.defaultAction).toBe('allow');
    expect(Object.isFrozen(doc.rules[0]?.when)).toBe(true);
  });
});

describe('exception validation', () => {
  const exception = (fields: string) =>
    `${header}rules: []\nexceptions:\n  - id: ex\n    reason: approved red-team engagement\n    approvedBy: ciso@example.com\n    expires: 2026-01-01T00:00:00Z\n${fields}`;

  it('accepts a well-formed exception', () => {
    const doc = parsePolicy(exception('    scope: { organization: acme }\n    match: { reasonCodes: [cyber.exploit.*] }\n'), 'p.yaml');
    expect(doc.exceptions[0]?.id).toBe('ex');
  });

  it('refuses exceptions that could suppress layer_error or limit findings', () => {
    const error = policyError(exception('    scope: { keyId: k }\n    match: { categories: ["*", limit], reasonCodes: [layer_error.rules, "*.build", cyber.*] }\n'));
    expect(error.details).toEqual([
      expect.stringMatching(/^exception "ex": match\.categories\[0\]: "\*" could suppress layer_error findings/),
      expect.stringMatching(/^exception "ex": match\.categories\[1\]: "limit" could suppress limit findings/),
      expect.stringMatching(/^exception "ex": match\.reasonCodes\[0\]: "layer_error\.rules" could suppress layer_error/),
      expect.stringMatching(/^exception "ex": match\.reasonCodes\[1\]: "\*\.build" could suppress/),
    ]);
  });

  it('requires exactly one scope, a match, a reason, an approver and an expiry', () => {
    expect(policyError(exception('    scope: { keyId: k, organization: o }\n    match: { categories: [phishing] }\n')).message).toMatch(
      /exception "ex": scope: must name exactly one of organization or keyId/,
    );
    expect(policyError(exception('    scope: {}\n    match: { categories: [phishing] }\n')).message).toMatch(/scope: must name exactly one/);
    expect(policyError(exception('    scope: { keyId: k }\n    match: {}\n')).message).toMatch(/match: must give reasonCodes or categories/);
    const missing = policyError(`${header}rules: []\nexceptions:\n  - id: ex\n    scope: { keyId: k }\n    match: { categories: [phishing] }\n`);
    expect(missing.details).toEqual([
      expect.stringMatching(/^exception "ex": reason: /),
      expect.stringMatching(/^exception "ex": approvedBy: /),
      expect.stringMatching(/^exception "ex": expires: /),
    ]);
  });
});

describe('loadPolicyFile and loadDefaultPolicy', () => {
  it('names the file it cannot read', () => {
    expect(() => loadPolicyFile('/nonexistent/policy.yaml')).toThrow(/Cannot read policy file \/nonexistent\/policy\.yaml: ENOENT/);
  });

  it('uses the path as the source name in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-policy-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `${header}rules:\n  - id: r1\n    when: { tiers: [gold] }\n    action: block\n`);
    expect(() => loadPolicyFile(file)).toThrow(`${file}: rule "r1": when.tiers[0]: Invalid option`);
  });

  it('loads and compiles the built-in default policy', () => {
    const doc = loadDefaultPolicy();
    expect(doc.name).toBe('rampart-default');
    expect(doc.defaultAction).toBe('allow');
    const policy = compilePolicy(doc);
    expect(policy.rules.length).toBe(doc.rules.length);
    expect(new Set(doc.rules.map((r) => r.action))).toEqual(new Set(['allow', 'warn', 'guide', 'reroute', 'review', 'block']));
  });
});

describe('compileGlob', () => {
  it('matches exact names, prefixes and inner stars, dots included', () => {
    expect(compileGlob('jailbreak')('jailbreak')).toBe(true);
    expect(compileGlob('jailbreak')('jailbreaks')).toBe(false);
    expect(compileGlob('cyber.*')('cyber.ransomware.build')).toBe(true);
    expect(compileGlob('cyber.*')('cyberx')).toBe(false);
    expect(compileGlob('*')('anything')).toBe(true);
    expect(compileGlob('cyber.*.build')('cyber.ransomware.build')).toBe(true);
    expect(compileGlob('cyber.*.build')('cyber.ransomware.builder')).toBe(false);
    expect(compileGlob('a.b-c*')('a.b-cd')).toBe(true);
    expect(compileGlob('a.b')('axb')).toBe(false);
    expect(compileGlob('*.build')('cyber.ransomware.build')).toBe(true);
    expect(compileGlob('*.build')('build')).toBe(false);
    expect(compileGlob('a*b*a')('aba')).toBe(true);
    expect(compileGlob('a*b*a')('abba')).toBe(true);
    expect(compileGlob('a*b*a')('ab')).toBe(false);
    expect(compileGlob('a*a')('a')).toBe(false);
    expect(compileGlob('*x*')('abxcd')).toBe(true);
    expect(compileGlob('a**c')('abc')).toBe(true);
  });

  it('decides conservatively whether a glob can reach a protected prefix', () => {
    expect(globCanMatchPrefix('limit.prompt_too_long', 'limit')).toBe(true);
    expect(globCanMatchPrefix('li*', 'limit')).toBe(true);
    expect(globCanMatchPrefix('*.x', 'limit')).toBe(true);
    expect(globCanMatchPrefix('cyber.*', 'limit')).toBe(false);
    expect(globCanMatchPrefix('cyber.limit', 'limit')).toBe(false);
  });
});
