import type { Finding } from '../contracts/detector.js';

/**
 * A finding as reports show it (the audit log, `rampart check`): flat, JSON-ready, with the
 * ATT&CK tactic and technique ids in one list and no evidence text, which callers add only
 * where showing it is safe.
 */
export function findingSummary(finding: Finding) {
  return {
    category: finding.category,
    severity: finding.severity,
    confidence: finding.confidence,
    reasonCode: finding.reasonCode,
    layer: finding.layerId,
    decodedFrom: finding.decodedFrom ?? null,
    attack: finding.attack === undefined ? null : [...finding.attack.tactics, ...finding.attack.techniques],
    message: finding.evidence[0]?.messageIndex ?? null,
  };
}
