// @andersmyrmel/vard: regex patterns in five threat types. The moderate preset (the default)
// blocks three types and only sanitizes `delimiterInjection` and `encoding`; both are set to
// block here so that every detection above the threshold counts as a flag.
import { packageVersion } from './package-version.js';

const PACKAGE = '@andersmyrmel/vard';

export function describe() {
  return {
    packageName: PACKAGE,
    version: packageVersion(PACKAGE),
    checksShort: '5 threat types (regex), all set to block',
    checks: ['instructionOverride', 'roleManipulation', 'delimiterInjection', 'systemPromptLeak', 'encoding'],
    excluded: [],
    configuration: "vard.moderate().block('delimiterInjection').block('encoding').safeParse(text): threshold 0.7, maxLength 10,000 (default); flagged = safe false",
  };
}

export async function create() {
  const { default: vard } = await import(PACKAGE);
  const guard = vard.moderate().block('delimiterInjection').block('encoding');
  return async function checkWithVard(row) {
    const result = guard.safeParse(row.text);
    if (result.safe) return { flagged: false, hits: [] };
    return { flagged: true, hits: [...new Set(result.threats.map((t) => t.type))] };
  };
}
