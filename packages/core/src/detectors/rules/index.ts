import { defineLayer } from '../../pipeline/define-layer.js';
import type { Codec, Evidence, FailMode, Finding, Layer, ViewKind } from '../../contracts/detector.js';
import { compileRules, type CompiledRuleSpec } from './compile-rules.js';
import type { RulePack } from './rule-pack-schema.js';
import { excerpt, viewsToScan } from '../view-text.js';

export const RULES_LAYER_ID = 'rules';
const DEFAULT_BUDGET_MS = 50;
/** Evidence spans kept per finding: enough to show where, without copying the prompt. */
const MAX_EVIDENCE = 3;
export { MAX_EXCERPT_CHARS } from '../view-text.js';

export interface RulesLayerOptions {
  readonly packs: readonly RulePack[];
  readonly budgetMs?: number;
  readonly failMode?: FailMode;
}

/**
 * The rule-pack layer (stage `classify`). It scans the views the normalization layer produced
 * (normalized, leetspeak-folded and decoded text), falling back to a message's raw text only
 * where no other view of it exists, so it still works with normalization turned off. A rule
 * yields at most one finding per message.
 *
 * @example
 * const layer = createRulesLayer({ packs: loadBuiltinRulePacks() });
 * const outcome = await runPipeline([createNormalizeLayer(), layer], request);
 */
export function createRulesLayer(options: RulesLayerOptions): Layer {
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const matcher = compileRules(options.packs);
  primeRegexes(matcher.rules);
  return defineLayer({
    id: RULES_LAYER_ID,
    stage: 'classify',
    budgetMs,
    failMode: options.failMode,
    run(input) {
      const hitsByKey = new Map<string, RuleHits>();
      for (const view of viewsToScan(input.views)) {
        for (const hit of matcher.match(view.text, view.role)) {
          const key = `${hit.rule.spec.id}\u0000${view.messageIndex}`;
          let entry = hitsByKey.get(key);
          if (entry === undefined) {
            entry = { rule: hit.rule, messageIndex: view.messageIndex, byTier: [[], [], []], codec: undefined };
            hitsByKey.set(key, entry);
          }
          const tier = tierOf(view.kind);
          if (tier === 2 && entry.codec === undefined) entry.codec = codecOf(view.kind);
          entry.byTier[tier]?.push({
            messageIndex: view.messageIndex,
            view: view.kind,
            start: hit.start,
            end: hit.end,
            excerpt: excerpt(view.text, hit.start, hit.end),
          });
        }
      }
      const findings: Finding[] = [];
      for (const entry of hitsByKey.values()) findings.push(toFinding(entry));
      return { status: 'ok', findings };
    },
  });
}

/**
 * Subjects that make V8 compile every regex now rather than on the first request that reaches
 * its rule. V8 compiles a regex lazily: to bytecode on its first execution and to machine code
 * on its second (regexp tier-up). For the large vocabulary patterns of the built-in packs that
 * is milliseconds per regex, so left lazy it landed on the first requests after a start: the
 * layer ran past its budget and failed closed, holding benign requests for review. Only Latin-1
 * subjects are primed: V8 keeps separate code for two-byte strings, and compiling it for every
 * rule up front made the scan of ordinary ASCII traffic measurably slower (more machine code
 * competing for the CPU caches); it is compiled when the first such request reaches a rule.
 */
const PRIME_SUBJECTS = ['rampart', 'rampart'] as const;

/**
 * Runs every pattern and veto on the priming subjects, moving compilation to startup. The order
 * matters: V8 lays out regex machine code in the order it compiles it, and in our measurements
 * (Node 20) scans ran up to 4x slower when the regexes a request reaches were scattered among
 * several MB of other regex code. So each pack is compiled contiguously (its rules tend to run
 * together), smallest pack first: the compact packs that ordinary text reaches stay fast, and a
 * pack of large vocabulary patterns comes last.
 */
function primeRegexes(rules: readonly CompiledRuleSpec[]): void {
  const packSize = new Map<string, number>();
  for (const rule of rules) {
    const size = [...rule.patterns, ...rule.unless].reduce((sum, regex) => sum + regex.source.length, 0);
    packSize.set(rule.packId, (packSize.get(rule.packId) ?? 0) + size);
  }
  const ordered = [...rules].sort((a, b) => (packSize.get(a.packId) ?? 0) - (packSize.get(b.packId) ?? 0));
  for (const rule of ordered) {
    for (const regex of [...rule.patterns, ...rule.unless]) {
      for (const subject of PRIME_SUBJECTS) {
        regex.lastIndex = 0;
        regex.test(subject);
      }
      regex.lastIndex = 0;
    }
  }
}

interface RuleHits {
  readonly rule: CompiledRuleSpec;
  readonly messageIndex: number;
  /** Evidence by view tier: 0 plain (normalized or raw), 1 leetspeak-folded, 2 decoded. */
  readonly byTier: [Evidence[], Evidence[], Evidence[]];
  codec: Codec | undefined;
}

function toFinding(entry: RuleHits): Finding {
  const { spec } = entry.rule;
  // Prefer the plainest text the rule fired on: it is what a reviewer can read in the prompt.
  // `decodedFrom` says the attack was only visible after decoding, so it is set only then.
  const tier = entry.byTier.findIndex((evidence) => evidence.length > 0);
  const evidence = (entry.byTier[tier] ?? []).slice(0, MAX_EVIDENCE);
  return {
    category: spec.category,
    severity: spec.severity,
    confidence: spec.confidence,
    layerId: RULES_LAYER_ID,
    reasonCode: spec.id,
    evidence,
    ...(tier === 2 && entry.codec !== undefined ? { decodedFrom: entry.codec } : {}),
    ...(spec.attack === undefined ? {} : { attack: spec.attack }),
    description: spec.description,
  };
}

function tierOf(kind: ViewKind): 0 | 1 | 2 {
  if (kind === 'raw' || kind === 'normalized') return 0;
  return kind === 'leet' ? 1 : 2;
}

function codecOf(kind: ViewKind): Codec | undefined {
  return kind.startsWith('decoded:') ? (kind.slice('decoded:'.length) as Codec) : undefined;
}


export { compileRules, type CompiledRuleSpec, type RuleMatcher, type RuleHit } from './compile-rules.js';
export { loadBuiltinRulePacks, loadRulePackFile, loadRulePackFiles, parseRulePack } from './load-rule-packs.js';
export { RulePack, RuleSpec, AttackMappingSpec, requiresAttackMapping } from './rule-pack-schema.js';
