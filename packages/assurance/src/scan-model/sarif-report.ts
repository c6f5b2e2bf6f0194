import type { Finding, ScanReport, Severity } from './finding.js';
import { RULES, type RuleId } from './rule-catalog.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub code scanning ranks security results by this property (0.0-10.0). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.0', low: '3.0', info: '0.0' };

/**
 * The report as SARIF 2.1.0: one run, one rule per rule id used, one result per finding, with
 * the file (and archive member) as the location and the byte offset as the region.
 *
 * @example
 * writeJson(io.stdout, toSarif(await scanModelPath('models/'), { version: '0.1.0' }))
 */
export function toSarif(report: ScanReport, tool: { version: string }): Record<string, unknown> {
  const used = [...new Set(report.files.flatMap((f) => f.findings.map((x) => x.rule)))].sort();
  const index = new Map<RuleId, number>(used.map((id, i) => [id, i]));
  const rules = used.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_, __: string, c: string) => c.toUpperCase()),
    shortDescription: { text: RULES[id].title },
    defaultConfiguration: { level: LEVEL[RULES[id].severity] },
    properties: { 'security-severity': SECURITY_SEVERITY[RULES[id].severity], tags: ['security', 'model-supply-chain'] },
  }));
  const results = report.files.flatMap((file) =>
    file.findings.map((finding) => ({
      ruleId: finding.rule,
      ruleIndex: index.get(finding.rule) as number,
      level: LEVEL[finding.severity],
      message: { text: messageOf(finding) },
      locations: [location(file.path, finding)],
      properties: {
        severity: finding.severity,
        'security-severity': SECURITY_SEVERITY[finding.severity],
        ...(finding.module === undefined ? {} : { module: finding.module, name: finding.name }),
        ...(finding.count === undefined ? {} : { count: finding.count }),
      },
    })),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'rampart scan-model', version: tool.version, rules } },
        results,
      },
    ],
  };
}

function messageOf(finding: Finding): string {
  return finding.entry === undefined ? finding.message : `${finding.entry}: ${finding.message}`;
}

function location(path: string, finding: Finding): Record<string, unknown> {
  const uri = encodeURI(path.split('\\').join('/'));
  const physicalLocation: Record<string, unknown> = { artifactLocation: { uri } };
  if (finding.offset !== undefined && finding.entry === undefined) physicalLocation['region'] = { byteOffset: finding.offset };
  const out: Record<string, unknown> = { physicalLocation };
  if (finding.entry !== undefined) {
    out['logicalLocations'] = [{ name: finding.entry, kind: 'member', fullyQualifiedName: `${path}!${finding.entry}${finding.offset === undefined ? '' : `@${finding.offset}`}` }];
  }
  return out;
}
