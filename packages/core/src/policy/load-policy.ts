import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { UserError } from '../errors/rampart-error.js';
import { PolicyDocument, duplicateIdIssues } from './schema.js';

/**
 * The built-in secure-by-default policy. Resolved from this module's URL: the source
 * (src/policy/load-policy.ts) and the build output (dist/policy/load-policy.js) sit at the same
 * depth under packages/core, so one relative path serves both.
 */
export const DEFAULT_POLICY_FILE = fileURLToPath(new URL('../../policies/default.yaml', import.meta.url));

/** The source name decisions and errors use for the built-in policy. */
export const DEFAULT_POLICY_SOURCE = 'builtin:default';

export interface PolicyLoadOptions {
  /**
   * Set when the gateway has no restricted model configured: every `reroute` rule must then name
   * its own `model`, since there would be nothing to fall back to.
   */
  readonly requireRerouteModel?: boolean;
}

/**
 * Parses and validates policy YAML. Every issue is reported, each naming the rule or exception
 * it belongs to; the returned document is deeply frozen.
 *
 * @example
 * const doc = parsePolicy(readFileSync('policy.yaml', 'utf8'), 'policy.yaml');
 * // invalid: UserError RAMPART_E_POLICY_INVALID
 * //   'policy.yaml: rule "block-critical": when.minSeverity: Invalid option: expected one of ...'
 */
export function parsePolicy(text: string, sourceName: string, options: PolicyLoadOptions = {}): Readonly<PolicyDocument> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserError('RAMPART_E_POLICY_INVALID', `${sourceName}: not valid YAML: ${doc.errors[0]?.message ?? ''}`, {
      details: doc.errors.map((e) => e.message),
    });
  }
  return validatePolicy(doc.toJS(), sourceName, options);
}

/**
 * Validates an already-parsed policy value (from YAML, JSON or code).
 *
 * @example
 * const doc = validatePolicy({ version: 1, name: 'p', rules: [] }, 'inline');
 */
export function validatePolicy(value: unknown, sourceName: string, options: PolicyLoadOptions = {}): Readonly<PolicyDocument> {
  const parsed = PolicyDocument.safeParse(value);
  const issues: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push(formatIssue(issue.path, issue.message, value));
    // zod skips the document-level duplicate check while any field is invalid; run it on the
    // raw value so a single load reports every problem.
    for (const issue of duplicateIdIssues(value)) issues.push(formatIssue(issue.path, issue.message, value));
  } else if (options.requireRerouteModel === true) {
    parsed.data.rules.forEach((rule, index) => {
      if (rule.action === 'reroute' && rule.model === undefined) {
        issues.push(formatIssue(['rules', index, 'model'], 'is required for action "reroute": no default restricted model is configured', value));
      }
    });
  }
  if (issues.length > 0 || !parsed.success) {
    const unique = [...new Set(issues)];
    const more = unique.length > 1 ? ` (and ${unique.length - 1} more issue${unique.length > 2 ? 's' : ''})` : '';
    throw new UserError('RAMPART_E_POLICY_INVALID', `${sourceName}: ${unique[0] ?? 'invalid policy'}${more}`, { details: unique });
  }
  return deepFreeze(parsed.data);
}

/**
 * Reads and validates a policy file.
 *
 * @example
 * const doc = loadPolicyFile('/etc/rampart/policy.yaml');
 */
export function loadPolicyFile(path: string, options: PolicyLoadOptions = {}): Readonly<PolicyDocument> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new UserError('RAMPART_E_POLICY_INVALID', `Cannot read policy file ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { cause });
  }
  return parsePolicy(text, path, options);
}

/**
 * The built-in secure-by-default policy (packages/core/policies/default.yaml).
 *
 * @example
 * const policy = compilePolicy(loadDefaultPolicy());
 */
export function loadDefaultPolicy(): Readonly<PolicyDocument> {
  let text: string;
  try {
    text = readFileSync(DEFAULT_POLICY_FILE, 'utf8');
  } catch (cause) {
    // The file ships with the package; missing means a broken install, not a user mistake.
    throw new UserError('RAMPART_E_POLICY_INVALID', `Cannot read the built-in policy ${DEFAULT_POLICY_FILE}; reinstall Rampart`, { cause });
  }
  return parsePolicy(text, DEFAULT_POLICY_SOURCE);
}

/** `rule "id": when.minSeverity: message`, falling back to `rule #3` when the id is unusable. */
function formatIssue(path: readonly PropertyKey[], message: string, raw: unknown): string {
  const [head, index, ...rest] = path;
  if ((head === 'rules' || head === 'exceptions') && typeof index === 'number') {
    const label = head === 'rules' ? 'rule' : 'exception';
    const id = idAt(raw, head, index);
    const who = id === undefined ? `${label} #${index + 1}` : `${label} "${id}"`;
    return rest.length > 0 ? `${who}: ${joinPath(rest)}: ${message}` : `${who}: ${message}`;
  }
  return `${path.length > 0 ? joinPath(path) : '(document)'}: ${message}`;
}

function idAt(raw: unknown, list: 'rules' | 'exceptions', index: number): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const items = (raw as Record<string, unknown>)[list];
  const item: unknown = Array.isArray(items) ? items[index] : undefined;
  const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

function joinPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += out.length > 0 ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
