import { ACTIONS, type Action } from '../contracts/decision.js';
import type { Finding, Scope, Tier } from '../contracts/detector.js';
import { compileGlob, compileGlobList } from './compile-glob.js';
import { validatePolicy } from './load-policy.js';
import { hasFindingConditions, type PolicyDocument, type PolicyMode, type PolicyRule } from './schema.js';

/**
 * Severity as a number for range checks: `info` 0 to `critical` 4, the order of `SEVERITIES`.
 * A severity no layer should produce counts as critical: unknown input must fail safe.
 * A switch rather than an object lookup because it runs for every finding of every request.
 */
export function severityRank(severity: string): number {
  switch (severity) {
    case 'info':
      return 0;
    case 'low':
      return 1;
    case 'medium':
      return 2;
    case 'high':
      return 3;
    default:
      return 4;
  }
}

/** A rule with its conditions turned into closures, so evaluation does no parsing or lookup. */
export interface CompiledRule {
  readonly id: string;
  readonly action: Action;
  readonly message: string | undefined;
  readonly model: string | undefined;
  readonly tiers: ReadonlySet<Tier> | undefined;
  readonly scopes: readonly Scope[] | undefined;
  readonly purposeDeclared: boolean | undefined;
  readonly purposes: ReadonlySet<string> | undefined;
  readonly noFindings: boolean | undefined;
  /** Whether the rule has finding conditions; then at least one finding must meet them all. */
  readonly testsFindings: boolean;
  /** Severity range as ranks, checked before {@link CompiledRule.matchesFinding}. */
  readonly minRank: number;
  readonly maxRank: number;
  /** The finding conditions other than severity, as one test. */
  readonly matchesFinding: (finding: Finding) => boolean;
}

export interface CompiledException {
  readonly id: string;
  readonly organization: string | undefined;
  readonly keyId: string | undefined;
  /** Expiry as epoch milliseconds. */
  readonly expiresAt: number;
  readonly matches: (finding: Finding) => boolean;
}

/** A validated policy, ready for {@link evaluatePolicy}. Build it once at startup. */
export interface CompiledPolicy {
  readonly name: string;
  readonly mode: PolicyMode;
  readonly defaultAction: Action;
  /** The validated document it was compiled from (for `rampart policy show` and audit). */
  readonly document: Readonly<PolicyDocument>;
  readonly rules: readonly CompiledRule[];
  readonly exceptions: readonly CompiledException[];
  readonly exceptionsByKey: ReadonlyMap<string, readonly CompiledException[]>;
  readonly exceptionsByOrganization: ReadonlyMap<string, readonly CompiledException[]>;
  /** Text for each action when the deciding rule gives none (the policy's, else built-in). */
  readonly messages: Readonly<Record<Action, string | undefined>>;
  /** Mitigations for a finding category (the most specific guidance glob wins; `*` last). */
  guidanceFor(category: string): string | undefined;
}

/**
 * Texts used when neither the rule nor the policy's `messages` give one. `allow` shows nothing.
 * The `never` default makes adding an action a compile error until it has a text.
 */
function builtinMessage(action: Action): string | undefined {
  switch (action) {
    case 'allow':
      return undefined;
    case 'warn':
      return 'This request touches on a sensitive security topic; it was served and logged.';
    case 'guide':
      return 'Answer from a defensive perspective: explain the risk, how to detect it and how to mitigate it. Do not provide operational attack steps, working malicious code, or instructions for harming systems the user does not own.';
    case 'reroute':
      return 'This request was served by a restricted model.';
    case 'review':
      return 'This request is held for review by a human before it is answered.';
    case 'block':
      return 'This request was blocked by the Rampart safeguard policy.';
    default: {
      const unhandled: never = action;
      return unhandled;
    }
  }
}

/**
 * Validates a policy document and precompiles it: globs become closures, tiers and purposes
 * become sets, exceptions are indexed by key and organization, and default texts are settled
 * per action. Evaluation then costs a few microseconds per request.
 *
 * @example
 * const policy = compilePolicy(loadDefaultPolicy());
 * evaluatePolicy(policy, facts).action
 */
export function compilePolicy(doc: PolicyDocument): CompiledPolicy {
  // A document built in code never went through the loader; validation is cheap and load-time only.
  const document = validatePolicy(doc, `policy "${doc.name}"`);
  const exceptions = document.exceptions.map(compileException);
  const messages = {} as Record<Action, string | undefined>;
  for (const action of ACTIONS) {
    messages[action] = action === 'allow' ? undefined : (document.messages?.[action] ?? builtinMessage(action));
  }
  return Object.freeze({
    name: document.name,
    mode: document.mode,
    defaultAction: document.defaultAction,
    document,
    rules: Object.freeze(document.rules.map(compileRule)),
    exceptions: Object.freeze(exceptions),
    exceptionsByKey: indexBy(exceptions, (e) => e.keyId),
    exceptionsByOrganization: indexBy(exceptions, (e) => e.organization),
    messages: Object.freeze(messages),
    guidanceFor: guidanceResolver(document.guidance ?? {}),
  });
}

function compileRule(rule: PolicyRule): CompiledRule {
  const { when } = rule;
  return Object.freeze({
    id: rule.id,
    action: rule.action,
    message: rule.message,
    model: rule.model,
    tiers: when.tiers === undefined ? undefined : new Set(when.tiers),
    scopes: when.scopes,
    purposeDeclared: when.purposeDeclared,
    purposes: when.purposes === undefined ? undefined : new Set(when.purposes),
    noFindings: when.noFindings,
    testsFindings: hasFindingConditions(when),
    minRank: when.minSeverity === undefined ? 0 : severityRank(when.minSeverity),
    maxRank: when.maxSeverity === undefined ? 4 : severityRank(when.maxSeverity),
    matchesFinding: findingMatcher(when),
  });
}

function findingMatcher(when: PolicyRule['when']): (finding: Finding) => boolean {
  const category = when.categories === undefined ? undefined : compileGlobList(when.categories);
  const reasonCode = when.reasonCodes === undefined ? undefined : compileGlobList(when.reasonCodes);
  const minConfidence = when.minConfidence ?? 0;
  const decoded = when.decoded;
  return (finding) => {
    if (finding.confidence < minConfidence) return false;
    if (decoded !== undefined && (finding.decodedFrom !== undefined) !== decoded) return false;
    if (category !== undefined && !category(finding.category)) return false;
    if (reasonCode !== undefined && !reasonCode(finding.reasonCode)) return false;
    return true;
  };
}

function compileException(exception: PolicyDocument['exceptions'][number]): CompiledException {
  const category = exception.match.categories === undefined ? undefined : compileGlobList(exception.match.categories);
  const reasonCode = exception.match.reasonCodes === undefined ? undefined : compileGlobList(exception.match.reasonCodes);
  return Object.freeze({
    id: exception.id,
    organization: exception.scope.organization,
    keyId: exception.scope.keyId,
    expiresAt: Date.parse(exception.expires),
    matches: (finding: Finding) =>
      (category === undefined || category(finding.category)) && (reasonCode === undefined || reasonCode(finding.reasonCode)),
  });
}

function indexBy(items: readonly CompiledException[], keyOf: (item: CompiledException) => string | undefined): ReadonlyMap<string, readonly CompiledException[]> {
  const index = new Map<string, CompiledException[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const list = index.get(key);
    if (list === undefined) index.set(key, [item]);
    else list.push(item);
  }
  return index;
}

/**
 * Most specific guidance first: an exact category, then globs with more literal characters,
 * then `*`; ties keep file order. Answers are cached per category (categories come from layers,
 * a small closed set, never from request text).
 */
function guidanceResolver(guidance: Readonly<Record<string, string>>): (category: string) => string | undefined {
  const entries = Object.entries(guidance)
    .map(([glob, text], order) => ({ matches: compileGlob(glob), text, specificity: glob.includes('*') ? glob.replaceAll('*', '').length : Number.MAX_SAFE_INTEGER, order }))
    .sort((a, b) => b.specificity - a.specificity || a.order - b.order);
  const cache = new Map<string, string | undefined>();
  const resolve = (category: string): string | undefined => entries.find((e) => e.matches(category))?.text;
  return (category) => {
    if (cache.has(category)) return cache.get(category);
    const text = resolve(category);
    if (cache.size < 256) cache.set(category, text);
    return text;
  };
}
