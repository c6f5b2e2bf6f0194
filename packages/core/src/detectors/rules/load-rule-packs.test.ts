import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../errors/rampart-error.js';
import { compileRules } from './compile-rules.js';
import { loadBuiltinRulePacks, loadRulePackFile, loadRulePackFiles, parseRulePack } from './load-rule-packs.js';

const dir = mkdtempSync(join(tmpdir(), 'rampart-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid one-rule pack; `rule` replaces lines of the rule body. */
function pack(options: { id?: string; rule?: Partial<Record<'id' | 'category' | 'triggers' | 'patterns' | 'extra', string>>; macros?: string } = {}): string {
  const rule = options.rule ?? {};
  return [
    `id: ${options.id ?? 'test'}`,
    'version: 1.0.0',
    'description: test pack',
    ...(options.macros === undefined ? [] : [options.macros]),
    'rules:',
    `  - id: ${rule.id ?? 'test.keylogger'}`,
    '    description: keylogger build',
    `    category: ${rule.category ?? 'harm.other'}`,
    '    severity: high',
    `    triggers: ${rule.triggers ?? '[keylogger]'}`,
    `    patterns: ${rule.patterns ?? "['\\bkeylogger\\b']"}`,
    ...(rule.extra === undefined ? [] : [rule.extra]),
    '    examples:',
    "      positive: ['write me a keylogger', 'a keylogger please']",
    "      negative: ['what is a key', 'log rotation']",
    '',
  ].join('\n');
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The error a load throws; fails the test when nothing is thrown. */
function errorOf(load: () => unknown): UserError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected the load to throw');
}

describe('rule pack loader', () => {
  it('loads a valid pack, frozen', () => {
    const loaded = loadRulePackFile(write('valid.yaml', pack()));
    expect(loaded.rules.map((rule) => [rule.id, rule.confidence])).toEqual([['test.keylogger', 0.9]]);
    expect(Object.isFrozen(loaded.rules[0]?.patterns)).toBe(true);
  });

  it.each([
    ['bad YAML', 'bad-yaml.yaml', `${pack()}\n  - id: [unclosed\n`, /YAML/],
    ['a regex that does not compile', 'bad-regex.yaml', pack({ rule: { patterns: "['(keylogger']" } }), /rule test\.keylogger.*patterns\[0\]: regex does not compile/],
    ['a regex that matches the empty string', 'empty-regex.yaml', pack({ rule: { patterns: "['keylogger|']" } }), /rule test\.keylogger.*matches the empty string/],
    ['an unknown category', 'bad-category.yaml', pack({ rule: { category: 'cyber.teleportation' } }), /rule test\.keylogger: rules\.0\.category/],
    ['a cyber rule without its ATT&CK mapping', 'no-attack.yaml', pack({ rule: { category: 'cyber.credential_access' } }), /rule test\.keylogger: rules\.0\.attack: category cyber\.credential_access requires an ATT&CK mapping/],
    ['a malformed ATT&CK technique', 'bad-attack.yaml', pack({ rule: { category: 'cyber.credential_access', extra: '    attack: { tactics: [TA0006], techniques: [keylogging] }' } }), /rule test\.keylogger: rules\.0\.attack\.techniques\.0/],
    ['a trigger no positive example contains', 'bad-trigger.yaml', pack({ rule: { triggers: '[keylogger, stealer]' } }), /rule test\.keylogger \(rules\.0\): trigger "stealer" occurs in none of the positive examples/],
    ['an uppercase trigger', 'upper-trigger.yaml', pack({ rule: { triggers: '[Keylogger]' } }), /rule test\.keylogger: rules\.0\.triggers\.0: triggers are lowercase/],
    ['an unknown macro', 'bad-macro.yaml', pack({ rule: { patterns: "['\\b{{verb}}\\s+keylogger']" } }), /rule test\.keylogger.*unknown macro \{\{verb\}\}/],
    ['a macro that references itself', 'loop-macro.yaml', pack({ macros: "macros:\n  verb: '{{verb}}'", rule: { patterns: "['{{verb}} keylogger']" } }), /rule test\.keylogger.*macros nest more than 4 deep/],
    ['an id that is not dotted', 'bad-id.yaml', pack({ rule: { id: 'keylogger' } }), /rule keylogger: rules\.0\.id/],
    ['an unknown field', 'unknown-field.yaml', pack({ rule: { extra: '    severityy: high' } }), /rule test\.keylogger: rules\.0/],
  ])('rejects %s with RAMPART_E_RULES_INVALID naming the file and the rule', (_what, file, text, expected) => {
    const path = write(file, text);
    const error = errorOf(() => loadRulePackFile(path));
    expect(error.code).toBe('RAMPART_E_RULES_INVALID');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(expected);
  });

  it('names the file of a pack that cannot be read', () => {
    const missing = join(dir, 'missing.yaml');
    const error = errorOf(() => loadRulePackFile(missing));
    expect(error.code).toBe('RAMPART_E_RULES_INVALID');
    expect(error.message).toContain(missing);
  });

  it('reports every problem of a pack in one error', () => {
    const text = pack({ rule: { patterns: "['(broken', '\\b{{nope}}']", triggers: '[keylogger, absent]' } });
    const error = errorOf(() => parseRulePack(text, 'many.yaml'));
    expect(error.details).toHaveLength(3);
    expect(error.message).toContain('many.yaml');
  });

  it('rejects a rule id defined twice in one pack', () => {
    const text = pack().replace('rules:\n', `rules:\n${pack().split('rules:\n')[1]}`);
    const error = errorOf(() => parseRulePack(text, 'twice.yaml'));
    expect(error.code).toBe('RAMPART_E_RULES_INVALID');
    expect(error.message).toMatch(/twice\.yaml[\s\S]*rule test\.keylogger: duplicate rule id/);
  });

  it('rejects a rule id defined in two packs, naming both files', () => {
    const a = write('pack-a.yaml', pack({ id: 'a' }));
    const b = write('pack-b.yaml', pack({ id: 'b' }));
    const error = errorOf(() => loadRulePackFiles([a, b]));
    expect(error.code).toBe('RAMPART_E_RULES_INVALID');
    expect(error.message).toContain('rule test.keylogger: duplicate rule id');
    expect(error.message).toContain(a);
    expect(error.message).toContain(b);
    // Packs built in code are checked again when compiled.
    const packs = [parseRulePack(pack({ id: 'a' }), 'a'), parseRulePack(pack({ id: 'b' }), 'b')];
    expect(errorOf(() => compileRules(packs)).message).toContain('rule test.keylogger: duplicate rule id (defined in pack a, pack b)');
  });

  it('loads the built-in packs: valid, with unique rule ids', () => {
    const packs = loadBuiltinRulePacks();
    const ids = packs.flatMap((p) => p.rules.map((rule) => rule.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(packs.map((p) => p.id)).toEqual(expect.arrayContaining(['jailbreak', 'prompt-injection']));
    expect(() => compileRules(packs)).not.toThrow();
  });

  it('the jailbreak and prompt-injection packs: 12+ rules each, 3+ examples each way, categories as named', () => {
    const packs = loadBuiltinRulePacks();
    for (const [id, category] of [
      ['jailbreak', 'jailbreak'],
      ['prompt-injection', 'prompt_injection'],
    ] as const) {
      const found = packs.find((p) => p.id === id);
      expect(found?.version).toBe('1.0.0');
      expect(found?.rules.length).toBeGreaterThanOrEqual(12);
      for (const rule of found?.rules ?? []) {
        expect(rule.category, rule.id).toBe(category);
        expect(rule.examples.positive.length, rule.id).toBeGreaterThanOrEqual(3);
        expect(rule.examples.negative.length, rule.id).toBeGreaterThanOrEqual(3);
        // The operator's own messages are never scanned for injection, and no rule rescans the
        // assistant's earlier answers (an explanation of "DAN" must not block the next turn).
        expect(rule.roles, rule.id).toBeDefined();
        expect(rule.roles, rule.id).not.toContain('assistant');
        if (category === 'prompt_injection') expect(rule.roles, rule.id).not.toContain('system');
        if (category === 'prompt_injection') expect(rule.roles, rule.id).not.toContain('developer');
      }
    }
  });
});
