import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { UserError } from '../../errors/rampart-error.js';
import { compileRuleRegexes, duplicateRuleProblems } from './compile-rules.js';
import { RulePack } from './rule-pack-schema.js';

/**
 * The built-in packs. `src/detectors/rules/` and `dist/detectors/rules/` sit at the same depth
 * under `packages/core/`, so one relative URL finds `packages/core/rules/` from both.
 */
const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../../rules/', import.meta.url));

/**
 * Parses and validates one rule pack. Every problem is collected before throwing, so an author
 * fixes a pack in one round: YAML errors, schema errors with their paths, regexes that do not
 * compile, unknown macros, duplicate ids, and triggers no positive example contains (a trigger
 * nothing exercises is untested, and usually a typo that silently disables the rule).
 *
 * @example
 * const pack = parseRulePack(readFileSync('extra.yaml', 'utf8'), 'extra.yaml');
 */
export function parseRulePack(text: string, sourceName: string): RulePack {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw invalid(sourceName, doc.errors.map((error) => `YAML: ${error.message}`));
  }
  const raw: unknown = doc.toJS();
  const parsed = RulePack.safeParse(raw);
  if (!parsed.success) {
    throw invalid(
      sourceName,
      parsed.error.issues.map((issue) => `${ruleLabel(raw, issue.path)}${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const pack = parsed.data;
  const problems = duplicateRuleProblems([pack]);
  pack.rules.forEach((rule, index) => {
    const label = `rule ${rule.id} (rules.${index})`;
    for (const problem of compileRuleRegexes(rule, pack.macros ?? {}).problems) problems.push(`${label}: ${problem}`);
    const positives = rule.examples.positive.map((example) => example.toLowerCase());
    for (const trigger of rule.triggers) {
      if (!positives.some((example) => example.includes(trigger))) {
        problems.push(`${label}: trigger "${trigger}" occurs in none of the positive examples`);
      }
    }
  });
  if (problems.length > 0) throw invalid(sourceName, problems);
  return deepFreeze(pack);
}

/**
 * Reads and validates one rule pack file.
 *
 * @example
 * const pack = loadRulePackFile('/etc/rampart/rules/local.yaml');
 */
export function loadRulePackFile(path: string): RulePack {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new UserError('RAMPART_E_RULES_INVALID', `Cannot read rule pack ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  return parseRulePack(text, path);
}

/**
 * Loads every built-in pack (`packages/core/rules/*.yaml`), in file-name order, and checks that
 * no two share a rule id.
 *
 * @example
 * const layer = createRulesLayer({ packs: loadBuiltinRulePacks() });
 */
export function loadBuiltinRulePacks(): RulePack[] {
  return loadRulePackFiles(
    readdirSync(BUILTIN_RULES_DIR)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => join(BUILTIN_RULES_DIR, name)),
  );
}

/**
 * Loads several pack files and rejects rule ids defined in more than one of them: the id is the
 * reason code, so two rules sharing one would make audit records ambiguous.
 */
export function loadRulePackFiles(paths: readonly string[]): RulePack[] {
  const packs = paths.map((path) => loadRulePackFile(path));
  const problems = duplicateRuleProblems(packs, (index) => paths[index] ?? `pack ${index}`);
  if (problems.length > 0) {
    throw new UserError('RAMPART_E_RULES_INVALID', `Rule packs ${paths.map((p) => basename(p)).join(', ')} are invalid:\n- ${problems.join('\n- ')}`, {
      details: problems,
    });
  }
  return packs;
}

function invalid(sourceName: string, problems: readonly string[]): UserError {
  return new UserError('RAMPART_E_RULES_INVALID', `Rule pack ${sourceName} is invalid:\n- ${problems.join('\n- ')}`, { details: problems });
}

/** `rule <id>: ` when a schema issue sits inside a rule whose id can be read, else nothing. */
function ruleLabel(raw: unknown, path: readonly PropertyKey[]): string {
  if (path[0] !== 'rules' || typeof path[1] !== 'number') return '';
  const rules = (raw as { rules?: unknown } | null)?.rules;
  const rule = Array.isArray(rules) ? (rules[path[1]] as { id?: unknown } | undefined) : undefined;
  return typeof rule?.id === 'string' ? `rule ${rule.id}: ` : `rule #${path[1]}: `;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
