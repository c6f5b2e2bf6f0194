import type { Finding } from './finding.js';

/**
 * Jinja constructs that reach Python internals. A chat template is rendered by the runtime; with
 * an unsandboxed Jinja environment (llama-cpp-python before 0.2.72, CVE-2024-34359) these lead
 * from the template to `os.popen`. Legitimate chat templates never need them.
 */
const SUSPICIOUS: readonly [RegExp, string][] = [
  [/__[a-zA-Z]\w*__/, 'dunder attribute access'],
  [/\|\s*attr\s*\(/, 'the attr filter'],
  [/\b(popen|subprocess|system|eval|exec|import_module|__import__)\s*\(/, 'a process or eval call'],
  [/\b(lipsum|cycler|joiner)\s*\.\s*__/, 'a Jinja global used as a gadget'],
];

/**
 * Findings for a chat template string.
 *
 * @example
 * chatTemplateFindings("{{ ''.__class__.__mro__[1].__subclasses__() }}", 120) // one high finding
 */
export function chatTemplateFindings(template: string, offset: number): Finding[] {
  const hits = SUSPICIOUS.filter(([pattern]) => pattern.test(template)).map(([, label]) => label);
  if (hits.length === 0) return [];
  return [{ severity: 'high', rule: 'gguf-chat-template-injection', message: `tokenizer.chat_template uses ${hits.join(', ')}: template injection when rendered without a sandbox`, offset }];
}
