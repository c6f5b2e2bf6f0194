import { loadPolicyTestFile, loadPolicyUnderTest, offlinePrincipal, policyTestMessages, runPolicyTests } from '@rampart/core';
import { loadCliConfig, type GlobalOptions } from '../cli-config.js';
import { writeJson, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { offlineInspector } from '../offline-inspector.js';

/**
 * `rampart policy test FILE`: each case's input runs through the configured layers and the
 * policy under test (the file's `policy:` or the built-in default); exit 1 when any case fails.
 */
export async function policyTestCommand(io: CliIo, input: { global: GlobalOptions; file: string; opts: { json?: boolean } }): Promise<ExitCode> {
  const { global, file, opts } = input;
  const loaded = loadPolicyTestFile(file);
  const policy = loadPolicyUnderTest(loaded);
  const inspector = offlineInspector(loadCliConfig(io, global), policy, (message) => writeLine(io.stderr, message));
  const report = await runPolicyTests(loaded.file, async (input, context) => {
    const messages = policyTestMessages(input).map((m) => ({ role: m.role, content: m.content, toolCallArguments: [] }));
    const principal = offlinePrincipal({
      tier: context.tier,
      scopes: context.scopes,
      organization: context.organization,
      ...(context.keyId === undefined ? {} : { keyId: context.keyId }),
    });
    const { decision } = await inspector.inspect(
      { messages, principal, model: 'offline', purpose: context.purpose },
      { holdForReview: context.holdForReview, shadow: context.shadow },
    );
    return { action: decision.action, enforced: decision.enforced, reasons: decision.reasons };
  });
  if (opts.json === true) writeJson(io.stdout, report);
  else {
    for (const result of report.results) {
      const mark = result.ok ? 'ok  ' : 'FAIL';
      writeLine(io.stdout, `${mark} ${result.name}: ${result.actual}${result.ok ? '' : ` (${result.problems.join('; ')}; reasons: ${result.reasons.join(', ') || 'none'})`}`);
    }
    writeLine(io.stdout, `${report.passed} passed, ${report.failed} failed`);
  }
  return report.failed === 0 ? 0 : 1;
}
