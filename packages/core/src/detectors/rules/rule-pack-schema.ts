import { z } from 'zod';
import { SEVERITIES } from '../../contracts/detector.js';
import { CATEGORIES, type Category } from '../../taxonomy/categories.js';

const CATEGORY_NAMES = Object.keys(CATEGORIES) as [Category, ...Category[]];

/**
 * Categories whose rules must carry a MITRE ATT&CK mapping: reviewers and the audit log cite the
 * technique, and a cyber finding without one cannot be triaged against threat intelligence.
 */
export function requiresAttackMapping(category: Category): boolean {
  return category.startsWith('cyber.') || category === 'phishing' || category === 'dos';
}

export const AttackMappingSpec = z
  .object({
    tactics: z.array(z.string().regex(/^TA\d{4}$/, 'expected an ATT&CK tactic id such as TA0040')).min(1),
    techniques: z.array(z.string().regex(/^T\d{4}(?:\.\d{3})?$/, 'expected an ATT&CK technique id such as T1486 or T1056.001')).min(1),
  })
  .strict();
export type AttackMappingSpec = z.infer<typeof AttackMappingSpec>;

export const RuleSpec = z
  .object({
    /** Dotted and stable: it is the reason code cited to clients, reviewers and the audit log. */
    id: z.string().regex(/^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$/, 'expected a dotted lowercase id such as cyber.ransomware.build'),
    description: z.string().min(1),
    category: z.enum(CATEGORY_NAMES),
    severity: z.enum(SEVERITIES),
    confidence: z.number().min(0).max(1).default(0.9),
    attack: AttackMappingSpec.optional(),
    /**
     * Only messages with one of these roles are scanned. Absent: every role. Injection rules use
     * it because a system prompt that says "never reveal the system prompt" is not an attack.
     */
    roles: z.array(z.string().min(1)).min(1).optional(),
    /** Lowercase literal stems; one must occur in the text before any pattern is tried. */
    triggers: z
      .array(
        z
          .string()
          .min(2)
          .refine((t) => t === t.toLowerCase(), 'triggers are lowercase literals (matching is case-insensitive)'),
      )
      .min(1),
    /** Regex sources, compiled with the `iu` flags; any one firing is a match. */
    patterns: z.array(z.string().min(1)).min(1),
    /** Narrow regexes that veto a match when they fire near it (within the match's window). */
    unless: z.array(z.string().min(1)).optional(),
    examples: z
      .object({
        positive: z.array(z.string().min(1)).min(2),
        negative: z.array(z.string().min(1)).min(2),
      })
      .strict(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.category === 'limit' || rule.category === 'layer_error') {
      // Those categories are the pipeline's own conditions: a rule using them would block
      // unconditionally (limits) or impersonate a failed safeguard.
      ctx.addIssue({ code: 'custom', path: ['category'], message: `category ${rule.category} is reserved for the pipeline itself` });
    }
    if (requiresAttackMapping(rule.category) && rule.attack === undefined) {
      ctx.addIssue({ code: 'custom', path: ['attack'], message: `category ${rule.category} requires an ATT&CK mapping (attack.tactics and attack.techniques)` });
    }
  });
export type RuleSpec = z.infer<typeof RuleSpec>;

export const RulePack = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'expected a lowercase pack id'),
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, 'expected a semantic version such as 1.2.0'),
    description: z.string().min(1),
    /**
     * Named regex fragments that patterns and `unless` entries reference as `{{name}}`. They keep
     * the shared vocabulary (request verbs, defensive framings) identical across a pack's rules,
     * so a fix to a framing lands in every rule at once.
     */
    macros: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'macro names are lowercase identifiers'), z.string()).optional(),
    rules: z.array(RuleSpec).min(1),
  })
  .strict();
export type RulePack = z.infer<typeof RulePack>;
