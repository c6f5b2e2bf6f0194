// @presidio-dev/hai-guardrails: the guards that run without an LLM. Injection and leakage each
// offer `heuristic` (fuzzy keyword overlap) and `pattern` (regex) modes; one guard per mode.
import { packageVersion } from './package-version.js';

const PACKAGE = '@presidio-dev/hai-guardrails';
// README quick start: heuristic mode at threshold 0.7. Pattern mode scores 0 or 1, so any
// threshold in (0, 1] gives the same verdicts; 0.5 is the tactic's own default.
const HEURISTIC_THRESHOLD = 0.7;
const PATTERN_THRESHOLD = 0.5;

/** @param {{ injectionHeuristic: boolean }} variant */
function guardsOf(variant) {
  return [
    ...(variant.injectionHeuristic ? [{ kind: 'injection', mode: 'heuristic', threshold: HEURISTIC_THRESHOLD }] : []),
    { kind: 'injection', mode: 'pattern', threshold: PATTERN_THRESHOLD },
    { kind: 'leakage', mode: 'heuristic', threshold: HEURISTIC_THRESHOLD },
    { kind: 'leakage', mode: 'pattern', threshold: PATTERN_THRESHOLD },
  ];
}

/** @param {{ injectionHeuristic: boolean }} variant */
export function describe(variant) {
  return {
    packageName: PACKAGE,
    version: packageVersion(PACKAGE),
    checksShort: variant.injectionHeuristic ? 'injection heuristic + pattern; leakage heuristic + pattern' : 'injection pattern; leakage heuristic + pattern',
    checks: guardsOf(variant).map((g) => `${g.kind} ${g.mode} (threshold ${g.threshold})`),
    excluded: [
      ...(variant.injectionHeuristic ? [] : ['injection heuristic: left out of this row because it costs seconds per prompt (its own row runs it on a sample)']),
      'injection/leakage language-model mode, toxic, hate speech, bias, adult content, copyright, profanity guards: need an LLM (no offline mode)',
      'pii and secret guards: data-protection redaction, not attack detection (and their pass/fail polarity is inverted between the two in 1.11.1)',
    ],
    configuration: `GuardrailsEngine({ guards: [${guardsOf(variant).map((g) => `${g.kind}Guard({ roles: ['user'] }, { mode: '${g.mode}', threshold: ${g.threshold} })`).join(', ')}] }); flagged = any result with passed false`,
  };
}

/** @param {{ injectionHeuristic: boolean }} variant */
export async function create(variant) {
  const { GuardrailsEngine, injectionGuard, leakageGuard } = await import(PACKAGE);
  const specs = guardsOf(variant);
  const factories = { injection: injectionGuard, leakage: leakageGuard };
  const engine = new GuardrailsEngine({
    guards: specs.map((g) => factories[g.kind]({ roles: ['user'] }, { mode: g.mode, threshold: g.threshold })),
    logLevel: 'silent',
  });
  return async function checkWithHai(row) {
    const { messagesWithGuardResult } = await engine.run([{ role: 'user', content: row.text }]);
    // The engine groups results by guard id ("injection", "leakage") in guard order, so the
    // n-th result of a group is the n-th configured mode of that kind.
    const hits = [];
    for (const group of messagesWithGuardResult) {
      const modes = specs.filter((g) => g.kind === group.guardId);
      group.messages.forEach((result, i) => {
        if (result.passed === false) hits.push(`${group.guardId} ${modes[i]?.mode ?? '?'}`);
      });
    }
    return { flagged: hits.length > 0, hits };
  };
}
