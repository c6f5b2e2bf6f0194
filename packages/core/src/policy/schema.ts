import { z } from 'zod';
import { ACTIONS } from '../contracts/decision.js';
import { SCOPES, SEVERITIES, TIERS } from '../contracts/detector.js';
import { CATEGORIES } from '../taxonomy/categories.js';
import { GLOB_SYNTAX, compileGlob, globCanMatchPrefix } from './compile-glob.js';
import { GUIDANCE_SEPARATOR } from './guidance-separator.js';

/**
 * The policy file, one zod source. A policy maps the findings of a request and facts about its
 * caller to exactly one of the six actions.
 *
 * Evaluation works like a firewall: exceptions first remove the findings they cover, then the
 * rules are tried in order and the FIRST rule whose conditions hold decides; when none does,
 * `defaultAction` applies. Put stricter rules first when two may match the same request.
 *
 * Every object is strict (an unknown key is an error that names it): a misspelt condition that
 * was silently ignored would widen a rule, and in a safeguard policy that is a hole.
 */

/** Categories a finding can carry, from the taxonomy. */
const KNOWN_CATEGORIES: readonly string[] = Object.keys(CATEGORIES);

/**
 * Findings an exception may never suppress: a layer that failed closed or an exceeded limit is
 * not a false positive a reviewer can wave through, and suppressing it would let uncertain
 * requests through silently.
 */
export const UNSUPPRESSIBLE_CATEGORIES = ['layer_error', 'limit'] as const;

export const PolicyAction = z.enum(ACTIONS);
export type PolicyAction = z.infer<typeof PolicyAction>;

export const PolicyMode = z.enum(['enforce', 'shadow']);
export type PolicyMode = z.infer<typeof PolicyMode>;

const PolicyId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit')
  // Decisions name the rule that decided; `default` is how they say that no rule matched.
  .refine((id) => id !== 'default', '"default" is reserved: decisions use it when no rule matched');

const Glob = z.string().regex(GLOB_SYNTAX, 'must be a glob of letters, digits, "_", ".", "-", ":", "/" and "*"');

/** A category glob that cannot match any known category is a typo: it would silently never fire. */
const CategoryGlob = Glob.superRefine((glob, ctx) => {
  if (!KNOWN_CATEGORIES.some(compileGlob(glob))) {
    ctx.addIssue({ code: 'custom', message: `"${glob}" matches no known category, so it can never match (known: ${KNOWN_CATEGORIES.join(', ')})` });
  }
});

const Message = z.string().trim().min(1);

/** The condition part of a rule. Every condition given must hold; an absent one always holds. */
export const PolicyCondition = z
  .object({
    /** Finding condition: category globs, e.g. `cyber.*`, `jailbreak`. */
    categories: z.array(CategoryGlob).min(1).optional(),
    /** Finding condition: reason-code (rule id) globs, e.g. `cyber.ransomware.*`. */
    reasonCodes: z.array(Glob).min(1).optional(),
    /** Finding condition: severity at or above. */
    minSeverity: z.enum(SEVERITIES).optional(),
    /** Finding condition: severity at or below. */
    maxSeverity: z.enum(SEVERITIES).optional(),
    /** Finding condition: confidence at or above (0..1). */
    minConfidence: z.number().min(0).max(1).optional(),
    /** Finding condition: `true` only findings made on decoded text, `false` only on plain text. */
    decoded: z.boolean().optional(),
    /** Request condition: the caller's tier is one of these. */
    tiers: z.array(z.enum(TIERS)).min(1).optional(),
    /** Request condition: the caller holds every one of these scopes. */
    scopes: z.array(z.enum(SCOPES)).min(1).optional(),
    /** Request condition: an `x-rampart-purpose` header was (`true`) or was not (`false`) sent. */
    purposeDeclared: z.boolean().optional(),
    /** Request condition: the declared purpose is one of these (compared lowercased, as the gateway sends it). */
    purposes: z.array(z.string().trim().toLowerCase().min(1)).min(1).optional(),
    /** Request condition: the request has no findings left after exceptions (`true`) or has some (`false`). */
    noFindings: z.boolean().optional(),
  })
  .strict()
  .superRefine((when, ctx) => {
    const rank = (s: (typeof SEVERITIES)[number]) => SEVERITIES.indexOf(s);
    if (when.minSeverity !== undefined && when.maxSeverity !== undefined && rank(when.minSeverity) > rank(when.maxSeverity)) {
      ctx.addIssue({ code: 'custom', path: ['maxSeverity'], message: `is below minSeverity "${when.minSeverity}", so the rule can never match` });
    }
    if (when.noFindings === true && hasFindingConditions(when)) {
      ctx.addIssue({ code: 'custom', path: ['noFindings'], message: 'cannot be combined with finding conditions (categories, reasonCodes, severity, confidence, decoded): the rule could never match' });
    }
    if (when.purposeDeclared === false && when.purposes !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['purposes'], message: 'cannot be combined with purposeDeclared: false: the rule could never match' });
    }
  });
export type PolicyCondition = z.infer<typeof PolicyCondition>;

/** Whether a condition tests findings (then at least one finding must satisfy all of them). */
export function hasFindingConditions(when: PolicyCondition): boolean {
  return (
    when.categories !== undefined ||
    when.reasonCodes !== undefined ||
    when.minSeverity !== undefined ||
    when.maxSeverity !== undefined ||
    when.minConfidence !== undefined ||
    when.decoded !== undefined
  );
}

/**
 * One rule. Finding conditions (categories, reasonCodes, severity, confidence, decoded) must all
 * hold for at least ONE finding; request conditions (tiers, scopes, purpose, noFindings) must
 * hold for the request. The first rule that matches decides.
 */
export const PolicyRule = z
  .object({
    id: PolicyId,
    description: z.string().optional(),
    when: PolicyCondition,
    action: PolicyAction,
    /** Refusal text for `block`, notice for `warn`, system instruction for `guide`, hold notice for `review`. */
    message: Message.optional(),
    /** Model for `reroute`; when absent the gateway's configured restricted model is used. */
    model: z.string().trim().min(1).optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.model !== undefined && rule.action !== 'reroute') {
      ctx.addIssue({ code: 'custom', path: ['model'], message: `only applies to action "reroute", not "${rule.action}"` });
    }
    if (rule.message !== undefined && rule.action === 'allow') {
      ctx.addIssue({ code: 'custom', path: ['message'], message: 'has no effect for action "allow": nothing is shown to the caller' });
    }
    if (rule.action === 'guide' && rule.message?.includes(GUIDANCE_SEPARATOR) === true) {
      ctx.addIssue({ code: 'custom', path: ['message'], message: 'must not contain a line holding only "---": it separates the instruction from the mitigations' });
    }
  });
export type PolicyRule = z.infer<typeof PolicyRule>;

/**
 * A reviewed allow-list entry: for one organization or one key, findings that match are removed
 * before the rules run. Every exception names who approved it, why, and when it expires; there
 * are no eternal exceptions. An expired exception is ignored.
 */
export const PolicyException = z
  .object({
    id: PolicyId,
    reason: z.string().trim().min(1),
    approvedBy: z.string().trim().min(1),
    /** ISO 8601 date-time with a zone, e.g. `2026-03-31T23:59:59Z`. */
    expires: z.iso.datetime({ offset: true }),
    scope: z
      .object({ organization: z.string().min(1).optional(), keyId: z.string().min(1).optional() })
      .strict()
      .refine((s) => (s.organization === undefined) !== (s.keyId === undefined), 'must name exactly one of organization or keyId'),
    /** Which findings it suppresses: every field given must hold for the finding. */
    match: z
      .object({ reasonCodes: z.array(Glob).min(1).optional(), categories: z.array(CategoryGlob).min(1).optional() })
      .strict()
      .refine((m) => m.reasonCodes !== undefined || m.categories !== undefined, 'must give reasonCodes or categories (or both)')
      .superRefine((match, ctx) => {
        match.categories?.forEach((glob, i) => {
          const hit = UNSUPPRESSIBLE_CATEGORIES.find((c) => compileGlob(glob)(c));
          if (hit !== undefined) ctx.addIssue({ code: 'custom', path: ['categories', i], message: unsuppressible(glob, hit) });
        });
        match.reasonCodes?.forEach((glob, i) => {
          // Their reason codes are `layer_error.<layer>` and `limit.<what>`.
          const hit = UNSUPPRESSIBLE_CATEGORIES.find((c) => globCanMatchPrefix(glob, c));
          if (hit !== undefined) ctx.addIssue({ code: 'custom', path: ['reasonCodes', i], message: unsuppressible(glob, hit) });
        });
      }),
  })
  .strict();
export type PolicyException = z.infer<typeof PolicyException>;

function unsuppressible(glob: string, category: string): string {
  return `"${glob}" could suppress ${category} findings; exceptions never suppress layer_error or limit findings (a failed safeguard or an exceeded limit is not a false positive)`;
}

/** Defensive mitigations appended for `guide`, keyed by category glob; `*` is the fallback. */
export const PolicyGuidance = z.record(z.string(), Message).superRefine((map, ctx) => {
  for (const key of Object.keys(map)) {
    if (!GLOB_SYNTAX.test(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'must be a category glob of letters, digits, "_", ".", "-" and "*"' });
    } else if (!KNOWN_CATEGORIES.some(compileGlob(key))) {
      ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" matches no known category, so it is never used` });
    }
  }
});
export type PolicyGuidance = z.infer<typeof PolicyGuidance>;

/** Default texts per action, used when the deciding rule gives no `message`. */
export const PolicyMessages = z
  .object({
    warn: Message,
    guide: Message.refine((m) => !m.includes(GUIDANCE_SEPARATOR), 'must not contain a line holding only "---": it separates the instruction from the mitigations'),
    reroute: Message,
    review: Message,
    block: Message,
  })
  .partial()
  .strict();
export type PolicyMessages = z.infer<typeof PolicyMessages>;

export const PolicyDocument = z
  .object({
    version: z.literal(1),
    name: z.string().trim().min(1),
    description: z.string().optional(),
    /** `shadow`: decide and record, but serve every request (for measuring a policy before enforcing it). */
    mode: PolicyMode.default('enforce'),
    /** The action when no rule matches. */
    defaultAction: PolicyAction.default('allow'),
    messages: PolicyMessages.optional(),
    guidance: PolicyGuidance.optional(),
    rules: z.array(PolicyRule),
    exceptions: z.array(PolicyException).default([]),
  })
  .strict()
  .superRefine((doc, ctx) => {
    for (const issue of duplicateIdIssues(doc)) ctx.addIssue({ code: 'custom', ...issue });
  });
export type PolicyDocument = z.infer<typeof PolicyDocument>;

/**
 * Duplicate rule and exception ids. Works on unvalidated input too, so the loader can report
 * duplicates alongside other issues (zod skips a document-level check while fields are invalid).
 */
export function duplicateIdIssues(value: unknown): Array<{ path: Array<string | number>; message: string }> {
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  if (typeof value !== 'object' || value === null) return issues;
  for (const list of ['rules', 'exceptions'] as const) {
    const items: unknown = (value as Record<string, unknown>)[list];
    if (!Array.isArray(items)) continue;
    const seen = new Map<string, number>();
    items.forEach((item: unknown, index) => {
      const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['id'] : undefined;
      if (typeof id !== 'string') return;
      const first = seen.get(id);
      if (first === undefined) seen.set(id, index);
      else issues.push({ path: [list, index, 'id'], message: `duplicate id "${id}" (first used by ${list === 'rules' ? 'rule' : 'exception'} #${first + 1})` });
    });
  }
  return issues;
}
