import { compareSeverity, type Finding } from './finding.js';

/**
 * Folds repeated findings into one with a `count` (a pickle importing the same unknown class a
 * million times is one finding), keeps at most `maxPerRule` per rule (plus one saying how many
 * were left out), and orders them most severe first.
 *
 * @example
 * mergeFindings([f, f, g]) // [{ ...f, count: 2 }, g]
 */
export function mergeFindings(findings: readonly Finding[], maxPerRule = 100): Finding[] {
  const merged = new Map<string, Finding & { count: number }>();
  for (const finding of findings) {
    const key = [finding.rule, finding.severity, finding.entry ?? '', finding.module ?? '', finding.name ?? '', finding.message].join('\u0000');
    const known = merged.get(key);
    if (known === undefined) merged.set(key, { ...finding, count: finding.count ?? 1 });
    else known.count += finding.count ?? 1;
  }
  const perRule = new Map<string, number>();
  const dropped = new Map<string, Finding & { count: number }>();
  const out: Finding[] = [];
  const ordered = [...merged.values()].sort((a, b) => compareSeverity(b.severity, a.severity));
  for (const finding of ordered) {
    const seen = perRule.get(finding.rule) ?? 0;
    perRule.set(finding.rule, seen + 1);
    if (seen < maxPerRule) {
      const { count, ...rest } = finding;
      out.push(count > 1 ? { ...rest, count } : rest);
    } else {
      const note = dropped.get(finding.rule) ?? { severity: finding.severity, rule: finding.rule, message: '', count: 0 };
      note.count += 1;
      dropped.set(finding.rule, note);
    }
  }
  for (const note of dropped.values()) out.push({ severity: note.severity, rule: note.rule, message: `${note.count} more findings of this rule not listed` });
  return out;
}
