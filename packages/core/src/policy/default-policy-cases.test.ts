import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RampartConfig } from '../config/schema.js';
import { configuredInspector } from '../inspect/configured-inspector.js';
import { offlinePrincipal } from '../inspect/inspector.js';
import { loadPolicyTestFile, loadPolicyUnderTest, policyTestMessages, runPolicyTests } from './test-cases.js';

/**
 * The shipped default.test.yaml, run in process through the real built-in layers (the CLI test
 * runs the same file through `rampart policy test`). Each failing case is reported by name.
 */
describe('default policy cases through the real detectors', async () => {
  const loaded = loadPolicyTestFile(fileURLToPath(new URL('../../policies/default.test.yaml', import.meta.url)));
  const { inspector } = configuredInspector(RampartConfig.parse({}), { baseDir: process.cwd(), policy: loadPolicyUnderTest(loaded) });
  const report = await runPolicyTests(loaded.file, async (input, context) => {
    const messages = policyTestMessages(input).map((m) => ({ role: m.role, content: m.content, toolCallArguments: [] }));
    const principal = offlinePrincipal({ tier: context.tier, scopes: context.scopes, organization: context.organization });
    const { decision } = await inspector.inspect({ messages, principal, model: 'offline', purpose: context.purpose }, context);
    return { action: decision.action, enforced: decision.enforced, reasons: decision.reasons };
  });
  it.each(report.results.map((r) => [r.name, r] as const))('%s', (_name, result) => {
    expect(result.problems).toEqual([]);
  });
});
