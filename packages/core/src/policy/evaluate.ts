import type { Action, Decision } from '../contracts/decision.js';
import type { Finding, PrincipalFacts } from '../contracts/detector.js';
import { severityRank, type CompiledException, type CompiledPolicy, type CompiledRule } from './compile.js';
import { GUIDANCE_SEPARATOR } from './guidance-separator.js';
import { UNSUPPRESSIBLE_CATEGORIES } from './schema.js';

/**
 * Restrictiveness of each action, least to most (the order of `ACTIONS`). Written out rather
 * than derived so the compiler checks that every action has a rank.
 */
export const ACTION_RANK = Object.freeze({
  allow: 0,
  warn: 1,
  guide: 2,
  reroute: 3,
  review: 4,
  block: 5,
} as const satisfies Record<Action, number>);

/**
 * The more restrictive of two actions.
 *
 * @example
 * stricter('guide', 'review') // 'review'
 */
export function stricter(a: Action, b: Action): Action {
  return ACTION_RANK[b] > ACTION_RANK[a] ? b : a;
}

/** Reason cited when a principal on manual approval raised the action to `review`. */
export const HOLD_FOR_REVIEW_REASON = 'principal.hold_for_review';
/** Reason cited when a `reroute` had no model to go to and was held instead. */
export const REROUTE_UNAVAILABLE_REASON = 'policy.reroute_model_missing';

/** Everything the policy decides on. Built per request by the inspector. */
export interface PolicyFacts {
  readonly findings: readonly Finding[];
  readonly principal: PrincipalFacts;
  /** The `x-rampart-purpose` header, lowercased; `undefined` when not sent. */
  readonly purpose: string | undefined;
  /** The key is on manual approval (onboarding): nothing it sends is served unreviewed. */
  readonly holdForReview: boolean;
  /** The key is in shadow mode. */
  readonly shadow: boolean;
  /** The gateway is in shadow mode (`policy.shadow` in the config). */
  readonly globalShadow: boolean;
  /** Clock for exception expiry. */
  readonly now: Date;
  /** Model for `reroute` rules that name none (the gateway's `upstream.restrictedModel`). */
  readonly defaultRestrictedModel: string;
}

const NONE: readonly string[] = Object.freeze([]);
const UNSUPPRESSIBLE: ReadonlySet<string> = new Set(UNSUPPRESSIBLE_CATEGORIES);
const MEDIUM = severityRank('medium');

/**
 * Maps findings and caller facts to exactly one action.
 *
 * 0. A `limit` finding blocks, whatever the rules say (policy rule id `limits`).
 * 1. Exceptions in scope for the caller (its key or organization) and not expired remove the
 *    findings they match; layer_error and limit findings are never removed.
 * 2. Rules are tried in order; the first that matches decides. None: `defaultAction`.
 * 3. `holdForReview` raises the action to at least `review` (a `block` stays a `block`).
 * 4. Shadow (policy mode, the key, or the gateway) keeps the decided `action` but enforces
 *    `allow` — except that a hold for review is still enforced as `review`: the hold is an
 *    access decision made about the key, not a policy verdict being measured, and an
 *    onboarding principal must never be served without approval.
 *
 * Reasons cite the findings the deciding rule matched, most severe first (for the default
 * action, or a rule with only request conditions: every finding at `medium` or above).
 * For `guide`, `message` is the system instruction, then {@link GUIDANCE_SEPARATOR}, then the
 * mitigations for the top finding's category (when the policy has guidance for it).
 *
 * @example
 * const decision = evaluatePolicy(policy, { findings, principal, purpose: undefined, holdForReview: false,
 *   shadow: false, globalShadow: false, now: new Date(), defaultRestrictedModel: 'safe-model' });
 * decision.action // 'block'
 */
/** The policy rule id reported when a size limit decided. */
export const LIMITS_RULE_ID = 'limits';

export function evaluatePolicy(policy: CompiledPolicy, facts: PolicyFacts): Decision {
  const overLimit = facts.findings.filter((f) => f.category === 'limit');
  if (overLimit.length > 0) {
    // Size limits protect the gateway itself: no policy, exception or shadow mode can lift them.
    const reasons = [...new Set(overLimit.map((f) => f.reasonCode))];
    const shadow = policy.mode === 'shadow' || facts.shadow || facts.globalShadow;
    return { action: 'block', enforced: 'block', shadow, policyRule: LIMITS_RULE_ID, reasons, exceptions: NONE, message: undefined, rerouteModel: undefined };
  }
  const exceptions = liveExceptions(policy, facts);
  let findings = facts.findings;
  let applied = NONE;
  if (exceptions !== undefined) [findings, applied] = suppress(findings, exceptions);

  const purpose = facts.purpose === undefined || facts.purpose.length === 0 ? undefined : facts.purpose.toLowerCase();
  // Ranked once here rather than in every rule: this loop is the hot path of every request.
  const request = { findings, ranks: findings.map((f) => severityRank(f.severity)), principal: facts.principal, purpose };
  let winner: CompiledRule | undefined;
  for (const rule of policy.rules) {
    if (ruleMatches(rule, request)) {
      winner = rule;
      break;
    }
  }

  let action = winner?.action ?? policy.defaultAction;
  const cited = citedFindings(winner, findings, request.ranks);
  const reasons: string[] = [];
  for (const index of cited) {
    const code = (findings[index] as Finding).reasonCode;
    if (!reasons.includes(code)) reasons.push(code);
  }
  const top = cited.length > 0 ? findings[cited[0] as number] : undefined;
  let message = messageFor(policy, { rule: winner, action, top });
  let rerouteModel = action === 'reroute' ? (winner?.model ?? facts.defaultRestrictedModel) : undefined;

  if (rerouteModel === '') {
    // Nowhere to reroute: holding it for a human is the fail-safe choice, serving it is not.
    action = 'review';
    reasons.push(REROUTE_UNAVAILABLE_REASON);
    message = messageFor(policy, { rule: undefined, action, top: undefined });
    rerouteModel = undefined;
  }
  if (facts.holdForReview && ACTION_RANK[action] < ACTION_RANK.review) {
    action = 'review';
    reasons.push(HOLD_FOR_REVIEW_REASON);
    message = messageFor(policy, { rule: undefined, action, top: undefined });
    rerouteModel = undefined;
  }

  const shadow = policy.mode === 'shadow' || facts.shadow || facts.globalShadow;
  const enforced: Action = !shadow ? action : facts.holdForReview ? 'review' : 'allow';
  return { action, enforced, shadow, policyRule: winner?.id ?? 'default', reasons, exceptions: applied, message, rerouteModel };
}

/**
 * Ids of the policy's exceptions that have expired at `now`. They are ignored by evaluation
 * (and so never appear in `Decision.exceptions`); this lets the gateway and `rampart policy`
 * report them so someone renews or deletes them.
 *
 * @example
 * expiredExceptions(policy, new Date()) // ['acme-red-team-2025']
 */
export function expiredExceptions(policy: CompiledPolicy, now: Date): string[] {
  const time = now.getTime();
  return policy.exceptions.filter((e) => !(e.expiresAt > time)).map((e) => e.id);
}

/** Unexpired exceptions scoped to the caller's key or organization; `undefined` when none. */
function liveExceptions(policy: CompiledPolicy, facts: PolicyFacts): CompiledException[] | undefined {
  if (policy.exceptions.length === 0 || facts.findings.length === 0) return undefined;
  const byKey = policy.exceptionsByKey.get(facts.principal.keyId);
  const organization = facts.principal.organization;
  const byOrganization = organization === undefined ? undefined : policy.exceptionsByOrganization.get(organization);
  if (byKey === undefined && byOrganization === undefined) return undefined;
  const time = facts.now.getTime();
  // `!(x > t)` rather than `x <= t`: an unparseable expiry (NaN) counts as expired.
  const live = [...(byKey ?? []), ...(byOrganization ?? [])].filter((e) => e.expiresAt > time);
  return live.length > 0 ? live : undefined;
}

function suppress(findings: readonly Finding[], exceptions: readonly CompiledException[]): [Finding[], readonly string[]] {
  const kept: Finding[] = [];
  const applied = new Set<string>();
  for (const finding of findings) {
    // The schema already refuses exceptions that could match these; checking here as well keeps
    // the guarantee for a policy assembled in code or a reason code nobody anticipated.
    if (UNSUPPRESSIBLE.has(finding.category)) {
      kept.push(finding);
      continue;
    }
    let suppressed = false;
    for (const exception of exceptions) {
      if (exception.matches(finding)) {
        applied.add(exception.id);
        suppressed = true;
      }
    }
    if (!suppressed) kept.push(finding);
  }
  return [kept, applied.size > 0 ? [...applied] : NONE];
}

function ruleMatches(
  rule: CompiledRule,
  request: { findings: readonly Finding[]; ranks: readonly number[]; principal: PrincipalFacts; purpose: string | undefined },
): boolean {
  const { findings, ranks, principal, purpose } = request;
  if (rule.tiers !== undefined && !rule.tiers.has(principal.tier)) return false;
  if (rule.scopes !== undefined) {
    for (const scope of rule.scopes) if (!principal.scopes.includes(scope)) return false;
  }
  if (rule.purposeDeclared !== undefined && (purpose !== undefined) !== rule.purposeDeclared) return false;
  if (rule.purposes !== undefined && (purpose === undefined || !rule.purposes.has(purpose))) return false;
  if (rule.noFindings !== undefined && (findings.length === 0) !== rule.noFindings) return false;
  if (!rule.testsFindings) return true;
  for (let i = 0; i < findings.length; i++) {
    const rank = ranks[i] as number;
    if (rank >= rule.minRank && rank <= rule.maxRank && rule.matchesFinding(findings[i] as Finding)) return true;
  }
  return false;
}

/**
 * Indexes of the findings a decision cites, most severe first, then most confident, then in
 * pipeline order: those the deciding rule matched, or every finding at `medium` or above when
 * the default action applied or the rule had only request conditions.
 */
function citedFindings(rule: CompiledRule | undefined, findings: readonly Finding[], ranks: readonly number[]): number[] {
  const cited: number[] = [];
  for (let i = 0; i < findings.length; i++) {
    const rank = ranks[i] as number;
    const matched = rule?.testsFindings === true ? rank >= rule.minRank && rank <= rule.maxRank && rule.matchesFinding(findings[i] as Finding) : rank >= MEDIUM;
    if (matched) cited.push(i);
  }
  if (cited.length > 1) {
    cited.sort((a, b) => (ranks[b] as number) - (ranks[a] as number) || (findings[b] as Finding).confidence - (findings[a] as Finding).confidence || a - b);
  }
  return cited;
}

function messageFor(policy: CompiledPolicy, input: { rule: CompiledRule | undefined; action: Action; top: Finding | undefined }): string | undefined {
  const base = input.rule?.message ?? policy.messages[input.action];
  if (input.action !== 'guide') return base;
  // No cited finding: only a `*` guidance entry applies, which matches the empty category.
  const mitigations = policy.guidanceFor(input.top?.category ?? '');
  return mitigations === undefined ? base : `${base ?? ''}${GUIDANCE_SEPARATOR}${mitigations}`;
}
