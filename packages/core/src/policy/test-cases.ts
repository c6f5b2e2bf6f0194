import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ACTIONS, type Action } from '../contracts/decision.js';
import { SCOPES, TIERS } from '../contracts/detector.js';
import { UserError } from '../errors/rampart-error.js';
import { loadDefaultPolicy, loadPolicyFile } from './load-policy.js';
import type { PolicyDocument } from './schema.js';

/**
 * The file behind `rampart policy test FILE`: requests with the caller context they arrive in
 * and the action the policy must take. The runner is independent of the pipeline: the caller
 * passes an `inspect` callback that runs the real layers and policy, so a test exercises
 * exactly what the gateway would do.
 */

export const PolicyTestMessage = z
  .object({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: z.string() })
  .strict();
export type PolicyTestMessage = z.infer<typeof PolicyTestMessage>;

/** A single user message, or a whole conversation. */
export const PolicyTestInput = z.union([z.string().min(1), z.array(PolicyTestMessage).min(1)]);
export type PolicyTestInput = z.infer<typeof PolicyTestInput>;

export const PolicyTestContext = z
  .object({
    tier: z.enum(TIERS).default('standard'),
    scopes: z.array(z.enum(SCOPES)).default(['chat']),
    /** As the `x-rampart-purpose` header; lowercased like the gateway does. */
    purpose: z.string().trim().toLowerCase().min(1).optional(),
    organization: z.string().min(1).optional(),
    keyId: z.string().min(1).optional(),
    holdForReview: z.boolean().default(false),
    shadow: z.boolean().default(false),
  })
  .strict();
export type PolicyTestContext = z.infer<typeof PolicyTestContext>;

export const PolicyTestExpect = z
  .object({
    /** The action the policy decides (before shadow mode). */
    action: z.enum(ACTIONS),
    /** The action enforced, when the case checks shadow behaviour. */
    enforced: z.enum(ACTIONS).optional(),
    /** Reason codes that must each be cited (others may be cited too). */
    reasons: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type PolicyTestExpect = z.infer<typeof PolicyTestExpect>;

export const PolicyTestCase = z
  .object({
    name: z.string().trim().min(1),
    input: PolicyTestInput,
    context: PolicyTestContext.default(() => PolicyTestContext.parse({})),
    expect: PolicyTestExpect,
  })
  .strict();
export type PolicyTestCase = z.infer<typeof PolicyTestCase>;

export const PolicyTestFile = z
  .object({
    /** Policy file, relative to the test file. Absent: the built-in default policy. */
    policy: z.string().min(1).optional(),
    cases: z.array(PolicyTestCase).min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.cases.forEach((testCase, index) => {
      if (seen.has(testCase.name)) ctx.addIssue({ code: 'custom', path: ['cases', index, 'name'], message: `duplicate case name "${testCase.name}"` });
      seen.add(testCase.name);
    });
  });
export type PolicyTestFile = z.infer<typeof PolicyTestFile>;

/** What the caller's inspection produced for one case. */
export interface PolicyTestOutcome {
  readonly action: Action;
  readonly enforced?: Action;
  readonly reasons: readonly string[];
}

export type PolicyTestInspect = (input: PolicyTestInput, context: PolicyTestContext) => Promise<PolicyTestOutcome>;

export interface PolicyTestResult {
  readonly name: string;
  readonly ok: boolean;
  readonly expected: Action;
  readonly actual: Action;
  /** Reasons the decision cited. */
  readonly reasons: readonly string[];
  /** Why the case failed (empty when it passed). */
  readonly problems: readonly string[];
}

export interface PolicyTestReport {
  readonly passed: number;
  readonly failed: number;
  readonly results: readonly PolicyTestResult[];
}

/**
 * Runs every case in order. An `inspect` that throws aborts the run: that is a broken harness
 * or configuration, not a policy that decided wrongly.
 *
 * @example
 * const report = await runPolicyTests(loaded.file, async (input, context) => {
 *   const { decision } = await inspector.inspect(toRequest(input, context), context);
 *   return decision;
 * });
 * report.failed // 0
 */
export async function runPolicyTests(file: PolicyTestFile, inspect: PolicyTestInspect): Promise<PolicyTestReport> {
  const results: PolicyTestResult[] = [];
  for (const testCase of file.cases) {
    const outcome = await inspect(testCase.input, testCase.context);
    const problems: string[] = [];
    const { expect } = testCase;
    if (outcome.action !== expect.action) problems.push(`expected action ${expect.action}, got ${outcome.action}`);
    if (expect.enforced !== undefined && outcome.enforced !== expect.enforced) {
      problems.push(`expected enforced ${expect.enforced}, got ${outcome.enforced ?? 'nothing'}`);
    }
    for (const reason of expect.reasons ?? []) {
      if (!outcome.reasons.includes(reason)) problems.push(`expected reason ${reason} to be cited`);
    }
    results.push({ name: testCase.name, ok: problems.length === 0, expected: expect.action, actual: outcome.action, reasons: outcome.reasons, problems });
  }
  const passed = results.filter((r) => r.ok).length;
  return { passed, failed: results.length - passed, results };
}

/** A case's input as chat messages: a plain string is one user message. */
export function policyTestMessages(input: PolicyTestInput): PolicyTestMessage[] {
  return typeof input === 'string' ? [{ role: 'user', content: input }] : input.map((m) => ({ ...m }));
}

export interface LoadedPolicyTestFile {
  readonly file: PolicyTestFile;
  /** The test file, as given. */
  readonly path: string;
  /** The policy under test, resolved against the test file's folder; `undefined`: the built-in default. */
  readonly policyPath: string | undefined;
}

/**
 * Reads and validates a policy test file, reporting every issue by case name.
 *
 * @example
 * const loaded = loadPolicyTestFile('policies/default.test.yaml');
 * const policy = compilePolicy(loadPolicyUnderTest(loaded));
 */
export function loadPolicyTestFile(path: string): LoadedPolicyTestFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `Cannot read policy test file ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { cause });
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `${path}: not valid YAML: ${doc.errors[0]?.message ?? ''}`, { details: doc.errors.map((e) => e.message) });
  }
  const raw: unknown = doc.toJS();
  const parsed = PolicyTestFile.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => describeIssue(issue.path, issue.message, raw));
    const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
    throw new UserError('RAMPART_E_INPUT_INVALID', `${path}: ${details[0] ?? 'invalid policy test file'}${more}`, { details });
  }
  const policy = parsed.data.policy;
  return { file: parsed.data, path, policyPath: policy === undefined ? undefined : resolve(dirname(path), policy) };
}

/**
 * The policy a test file names, or the built-in default when it names none.
 *
 * @example
 * compilePolicy(loadPolicyUnderTest(loadPolicyTestFile('my.test.yaml')))
 */
export function loadPolicyUnderTest(loaded: LoadedPolicyTestFile): Readonly<PolicyDocument> {
  return loaded.policyPath === undefined ? loadDefaultPolicy() : loadPolicyFile(loaded.policyPath);
}

function describeIssue(path: readonly PropertyKey[], message: string, raw: unknown): string {
  const [head, index, ...rest] = path;
  let where = path.map(String).join('.') || '(document)';
  if (head === 'cases' && typeof index === 'number') {
    const cases = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['cases'] : undefined;
    const item: unknown = Array.isArray(cases) ? cases[index] : undefined;
    const name = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['name'] : undefined;
    const who = typeof name === 'string' && name.length > 0 ? `case "${name}"` : `case #${index + 1}`;
    where = rest.length > 0 ? `${who}: ${rest.map(String).join('.')}` : who;
  }
  return `${where}: ${message}`;
}
