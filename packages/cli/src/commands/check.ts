import { findingSummary, offlinePrincipal, type Tier } from '@rampart/core';
import { loadCliConfig, type GlobalOptions } from '../cli-config.js';
import { writeJson, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { offlineInspector } from '../offline-inspector.js';

/** `rampart check "TEXT"`: what the gateway would decide for TEXT as a single user message. */
export async function checkCommand(
  io: CliIo,
  input: { global: GlobalOptions; text: string; opts: { tier: Tier; purpose?: string; json?: boolean } },
): Promise<ExitCode> {
  const { global, text, opts } = input;
  const inspector = offlineInspector(loadCliConfig(io, global), undefined, (message) => writeLine(io.stderr, message));
  const purpose = opts.purpose?.trim().toLowerCase() || undefined;
  const { decision, outcome } = await inspector.inspect(
    {
      messages: [{ role: 'user', content: text, toolCallArguments: [] }],
      principal: offlinePrincipal({ tier: opts.tier }),
      model: 'offline',
      purpose,
    },
    { holdForReview: false, shadow: false },
  );
  const findings = outcome.findings.map((f) => ({ ...findingSummary(f), evidence: f.evidence.map((e) => e.excerpt) }));
  const layers = outcome.timings.map((t) => ({ layer: t.layerId, micros: Math.round(t.micros * 10) / 10, status: t.status }));
  if (opts.json === true) {
    writeJson(io.stdout, { action: decision.action, policyRule: decision.policyRule, reasons: decision.reasons, message: decision.message ?? null, findings, layers, totalMicros: Math.round(outcome.micros) });
    return 0;
  }
  writeLine(io.stdout, `action: ${decision.action}  (policy rule: ${decision.policyRule})`);
  if (decision.reasons.length > 0) writeLine(io.stdout, `reasons: ${decision.reasons.join(', ')}`);
  writeLine(io.stdout, findings.length === 0 ? 'findings: none' : 'findings:');
  for (const f of findings) {
    const attack = f.attack === null ? '' : ` [${f.attack.join(' ')}]`;
    const decoded = f.decodedFrom === null ? '' : ` (in ${f.decodedFrom}-decoded text)`;
    writeLine(io.stdout, `  - ${f.severity} ${f.category} ${f.reasonCode} conf=${f.confidence}${attack}${decoded}${f.evidence[0] ? `: "${f.evidence[0]}"` : ''}`);
  }
  writeLine(io.stdout, 'layers:');
  for (const l of layers) writeLine(io.stdout, `  - ${l.layer}: ${l.micros} µs (${l.status})`);
  return 0;
}
