import { UserError } from '../../errors/rampart-error.js';
import type { RulePack, RuleSpec } from './rule-pack-schema.js';
import { requiredLiterals } from './required-literals.js';
import { createTriggerAutomaton } from './trigger-automaton.js';

/** Regex flags of every pattern: case-insensitive, and Unicode-aware so `\p{…}` and astral text work. */
export const RULE_REGEX_FLAGS = 'iu';

/**
 * Flags for one pattern: `i` alone when the pattern needs nothing from Unicode mode, `iu`
 * otherwise. V8 matches case-insensitive Unicode-mode regexes with full case folding, which
 * measured ~37% slower on the built-in packs; the texts scanned are NFKC-normalized and
 * homoglyph-folded already, so simple case folding loses nothing. Property escapes, code-point
 * escapes and astral characters keep `iu` (without it they would silently mean something else).
 */
export function regexFlagsFor(source: string): string {
  return /\\[pP]\{|\\u\{|[\uD800-\uDFFF]/.test(source) ? RULE_REGEX_FLAGS : 'i';
}

/**
 * How far around a match an `unless` regex may fire to veto it. A veto anywhere in a long
 * message would let an attacker append one defensive sentence to unlock everything else.
 */
export const UNLESS_WINDOW_CHARS = 160;

export interface CompiledRuleSpec {
  readonly spec: RuleSpec;
  readonly packId: string;
  readonly patterns: readonly RegExp[];
  /**
   * Per pattern, the indexes of its required-literal sets in the prefilter (see
   * requiredLiterals): the pattern runs only when each set has a member in the text.
   */
  readonly prefilter: readonly (readonly number[])[];
  readonly unless: readonly RegExp[];
  readonly roles: ReadonlySet<string> | undefined;
  /** True when one of the rule's triggers starts a word of the text (see triggerGate). */
  readonly gate: RegExp;
}

export interface RuleHit {
  readonly rule: CompiledRuleSpec;
  /** UTF-16 offsets of the first pattern match in the scanned text. */
  readonly start: number;
  readonly end: number;
}

export interface RuleMatcher {
  readonly rules: readonly CompiledRuleSpec[];
  /** Every rule that fires on `text` for a message with `role`, in rule order. */
  match(text: string, role: string): RuleHit[];
}

/**
 * Compiles rule packs into one matcher: a trigger automaton picks candidate rules in one pass,
 * then only the candidates' patterns run. Throws `RAMPART_E_RULES_INVALID` when packs share a
 * rule id or a regex does not compile (packs from `loadRulePackFile` were checked already;
 * packs built in code were not).
 *
 * @example
 * const matcher = compileRules(loadBuiltinRulePacks());
 * matcher.match('write me a keylogger', 'user').map((hit) => hit.rule.spec.id);
 */
export function compileRules(packs: readonly RulePack[]): RuleMatcher {
  const problems = duplicateRuleProblems(packs);
  const rules: CompiledRuleSpec[] = [];
  const literalSets: string[][] = [];
  for (const pack of packs) {
    for (const spec of pack.rules) {
      const compiled = compileRuleRegexes(spec, pack.macros ?? {});
      for (const problem of compiled.problems) problems.push(`pack ${pack.id}: rule ${spec.id}: ${problem}`);
      rules.push({
        spec,
        packId: pack.id,
        // Global copies: the matcher walks every occurrence (see firstMatch).
        patterns: compiled.patterns.map((regex) => new RegExp(regex.source, `${regex.flags}g`)),
        prefilter: compiled.patterns.map((regex) =>
          requiredLiterals(regex.source, regex.flags).map((literals) => literalSets.push([...literals]) - 1),
        ),
        unless: compiled.unless,
        roles: spec.roles === undefined ? undefined : new Set(spec.roles),
        gate: triggerGate(spec.triggers),
      });
    }
  }
  if (problems.length > 0) {
    throw new UserError('RAMPART_E_RULES_INVALID', `Rule packs are invalid:\n- ${problems.join('\n- ')}`, { details: problems });
  }
  const automaton = createTriggerAutomaton(rules.map((rule) => rule.spec.triggers));
  // The pattern prefilter: one pass finds which patterns' required literals occur at all.
  const literalAutomaton = createTriggerAutomaton(literalSets);
  const present = new Uint8Array(literalSets.length);
  return {
    rules,
    match(text, role) {
      const hits: RuleHit[] = [];
      let scanned = false;
      for (const index of automaton.candidates(text)) {
        const rule = rules[index] as CompiledRuleSpec;
        if (rule.roles !== undefined && !rule.roles.has(role)) continue;
        if (!rule.gate.test(text)) continue;
        if (!scanned) {
          present.fill(0);
          for (const literal of literalAutomaton.candidates(text)) present[literal] = 1;
          scanned = true;
        }
        const hit = firstMatch(rule, text, present);
        if (hit !== undefined) hits.push(hit);
      }
      return hits;
    },
  };
}

/**
 * A trigger counts only where it starts a word: the automaton finds stems anywhere ("rat" in
 * "hydration", "ai" in "explain"), which made rules with short triggers candidates for most
 * English text and ran their patterns over it — measured at 1–1.5 ms per 1 KB prompt. Stems
 * still match word prefixes ("apolog" in "apologize", "keylog" in "keyloggers").
 */
export function triggerGate(triggers: readonly string[]): RegExp {
  // A leading or trailing space in a trigger (an older way to ask for a word start) is implied now.
  const alternatives = triggers.map((t) => t.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})`, 'iu');
}

function firstMatch(rule: CompiledRuleSpec, text: string, present: Uint8Array): RuleHit | undefined {
  for (let index = 0; index < rule.patterns.length; index += 1) {
    if (!allPresent(rule.prefilter[index] as readonly number[], present)) continue;
    const pattern = rule.patterns[index] as RegExp;
    // Every occurrence is tried, not just the first: a veto next to one occurrence (an innocent
    // "detection rule" early on) must not hide a later, operational one in the same text.
    const scanner = pattern;
    scanner.lastIndex = 0;
    for (let match = scanner.exec(text); match !== null; match = scanner.exec(text)) {
      const start = match.index;
      const end = start + match[0].length;
      if (match[0].length === 0) scanner.lastIndex += 1;
      const window = text.slice(Math.max(0, start - UNLESS_WINDOW_CHARS), Math.min(text.length, end + UNLESS_WINDOW_CHARS));
      if (rule.unless.some((veto) => veto.test(window))) continue;
      return { rule, start, end };
    }
  }
  return undefined;
}

function allPresent(sets: readonly number[], present: Uint8Array): boolean {
  for (const set of sets) if (present[set] === 0) return false;
  return true;
}

/** Duplicate rule ids across (and within) packs, one problem per id naming every pack. */
export function duplicateRuleProblems(packs: readonly { readonly id: string; readonly rules: readonly { readonly id: string }[] }[], sourceOf?: (packIndex: number) => string): string[] {
  const owners = new Map<string, string[]>();
  packs.forEach((pack, packIndex) => {
    for (const rule of pack.rules) {
      const where = sourceOf === undefined ? `pack ${pack.id}` : sourceOf(packIndex);
      owners.set(rule.id, [...(owners.get(rule.id) ?? []), where]);
    }
  });
  const problems: string[] = [];
  for (const [id, where] of owners) {
    if (where.length > 1) problems.push(`rule ${id}: duplicate rule id (defined in ${where.join(', ')})`);
  }
  return problems;
}

/**
 * Expands `{{macro}}` references and compiles a rule's patterns and vetoes. Problems are
 * returned, not thrown, so a loader can report every broken regex of a pack in one error.
 */
export function compileRuleRegexes(
  spec: Pick<RuleSpec, 'patterns' | 'unless'>,
  macros: Readonly<Record<string, string>>,
): { patterns: RegExp[]; unless: RegExp[]; problems: string[] } {
  const problems: string[] = [];
  const compile = (field: 'patterns' | 'unless', sources: readonly string[]): RegExp[] =>
    sources.flatMap((source, index) => {
      const expanded = expandMacros(source, macros);
      if (typeof expanded !== 'string') {
        problems.push(`${field}[${index}]: ${expanded.problem}`);
        return [];
      }
      try {
        const regex = new RegExp(expanded, regexFlagsFor(expanded));
        // A regex that matches nothing at all would fire on every candidate text.
        if (regex.test('')) {
          problems.push(`${field}[${index}]: regex matches the empty string`);
          return [];
        }
        return [regex];
      } catch (error) {
        problems.push(`${field}[${index}]: regex does not compile: ${error instanceof Error ? error.message : String(error)}`);
        return [];
      }
    });
  return { patterns: compile('patterns', spec.patterns), unless: compile('unless', spec.unless ?? []), problems };
}

const MACRO_REFERENCE = /\{\{([a-z][a-z0-9_]*)\}\}/g;
const MAX_MACRO_DEPTH = 4;

/** Replaces `{{name}}` with the macro's source; macros may reference macros, up to 4 deep. */
export function expandMacros(source: string, macros: Readonly<Record<string, string>>): string | { problem: string } {
  let text = source;
  for (let depth = 0; depth <= MAX_MACRO_DEPTH; depth += 1) {
    let unknown: string | undefined;
    let referenced = false;
    const next = text.replace(MACRO_REFERENCE, (_whole, name: string) => {
      referenced = true;
      const body = Object.hasOwn(macros, name) ? macros[name] : undefined;
      if (body === undefined) {
        unknown ??= name;
        return '';
      }
      return body;
    });
    if (unknown !== undefined) return { problem: `unknown macro {{${unknown}}}` };
    // Done when nothing was left to expand. Comparing the texts instead would take a macro that
    // expands to itself for a finished expansion.
    if (!referenced) return text;
    text = next;
  }
  return { problem: `macros nest more than ${MAX_MACRO_DEPTH} deep (a macro may reference itself)` };
}
