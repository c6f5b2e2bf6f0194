import type { LabelBuckets } from './label-buckets.js';
import type { NaiveBayes } from './naive-bayes.js';
import type { DuplicateAnalysis } from './near-duplicates.js';

/**
 * Label checks on the duplicate graph:
 * - `duplicate`: a later copy of a row (same normalized text, same label). Harmless one by one,
 *   but repeated rows weigh more in training, which is how a poisoner amplifies a few rows.
 * - `label-conflict`: near-duplicates (one cluster) with different labels. The minority rows are
 *   flagged; with no majority, the label the words support (naive Bayes over the dataset) wins,
 *   and when the words do not decide either, every row of the cluster is flagged.
 * - `neighbour-disagreement`: a row whose near neighbours (Jaccard ≥ 0.5) mostly carry one other
 *   label.
 */
export type LabelCheck = 'duplicate' | 'label-conflict' | 'neighbour-disagreement';

export interface LabelFinding {
  readonly check: LabelCheck;
  readonly detail: string;
  /** Rows this finding points at (the copy's original, the cluster's majority rows). */
  readonly related: readonly number[];
}

/** Fewest labelled neighbours before disagreement with them counts. */
const MIN_NEIGHBOURS = 3;
/** Share of neighbours that must agree on another label. */
const NEIGHBOUR_AGREEMENT = 0.75;
/** Log-odds the words must give one label over another to settle a tied cluster. */
const TIE_MARGIN = 2;
const RELATED_SHOWN = 5;

export interface LabelConflictInput {
  readonly duplicates: DuplicateAnalysis;
  readonly labels: readonly (string | undefined)[];
  /** Labels as buckets and the estimator that settles ties; without them ties flag every row. */
  readonly buckets?: LabelBuckets;
  readonly naiveBayes?: NaiveBayes;
  /** Row number as shown to people (1-based, or with a baseline offset). */
  readonly rowName: (row: number) => string;
  /**
   * Whether labels are classes to compare (default). Labels that are model outputs differ
   * between near-duplicate prompts by nature: then only exact copies are reported.
   */
  readonly compareLabels?: boolean;
}

function countLabels(rows: readonly number[], labels: readonly (string | undefined)[]): Map<string, number[]> {
  const byLabel = new Map<string, number[]>();
  for (const row of rows) {
    const label = labels[row];
    if (label === undefined) continue;
    const list = byLabel.get(label);
    if (list === undefined) byLabel.set(label, [row]);
    else list.push(row);
  }
  return byLabel;
}

/** The label the words of a tied cluster support, among the labels it carries. */
function settleTie(input: LabelConflictInput, members: readonly number[], byLabel: ReadonlyMap<string, number[]>): string | undefined {
  const { buckets, naiveBayes } = input;
  if (buckets === undefined || naiveBayes === undefined) return undefined;
  const first = members[0] as number;
  const estimate = naiveBayes.predict({ row: first, own: -1 });
  const label = buckets.names[estimate.bucket];
  if (label === undefined || !byLabel.has(label)) return undefined;
  // The estimate must beat every other label of the cluster by a margin.
  for (const other of byLabel.keys()) {
    if (other === label) continue;
    const bucket = buckets.names.indexOf(other);
    if (bucket === -1 || (estimate.scores[estimate.bucket] as number) - (estimate.scores[bucket] as number) < TIE_MARGIN) return undefined;
  }
  return label;
}

function quote(rows: readonly number[], rowName: (row: number) => string): string {
  const shown = rows.slice(0, RELATED_SHOWN).map(rowName).join(', ');
  return rows.length > RELATED_SHOWN ? `${shown} and ${rows.length - RELATED_SHOWN} more` : shown;
}

/**
 * Label findings per row index.
 *
 * @example
 * const findings = findLabelConflicts({ duplicates, labels, rowName: (r) => `row ${r + 1}` });
 */
export function findLabelConflicts(input: LabelConflictInput): Map<number, LabelFinding[]> {
  const { duplicates, labels, rowName } = input;
  const findings = new Map<number, LabelFinding[]>();
  const add = (row: number, finding: LabelFinding): void => {
    const list = findings.get(row);
    if (list === undefined) findings.set(row, [finding]);
    else list.push(finding);
  };
  const rows = labels.length;
  const clusters = new Map<number, number[]>();
  for (let r = 0; r < rows; r += 1) {
    const root = duplicates.cluster[r] as number;
    const list = clusters.get(root);
    if (list === undefined) clusters.set(root, [r]);
    else list.push(r);
  }
  const conflicted = new Set<number>();
  const compare = input.compareLabels ?? true;
  for (const members of compare ? clusters.values() : []) {
    if (members.length < 2) continue;
    const byLabel = countLabels(members, labels);
    if (byLabel.size < 2) continue;
    const labelled = [...byLabel.values()].reduce((n, list) => n + list.length, 0);
    const ranked = [...byLabel.entries()].sort((a, b) => b[1].length - a[1].length);
    const [top] = ranked;
    const summary = ranked.map(([label, list]) => `${JSON.stringify(label)}×${list.length}`).join(', ');
    let winner = top !== undefined && top[1].length * 2 > labelled ? top[0] : undefined;
    let why = 'the majority';
    if (winner === undefined) {
      winner = settleTie(input, members, byLabel);
      why = 'what the words say (no majority)';
    }
    for (const [label, list] of byLabel) {
      if (label === winner) continue;
      const others = members.filter((m) => labels[m] !== undefined && labels[m] !== label);
      for (const row of list) {
        conflicted.add(row);
        const detail =
          winner === undefined
            ? `near-duplicates carry different labels and nothing settles which is right (${summary}): ${quote(others, rowName)}`
            : `labelled ${JSON.stringify(label)}, but near-duplicates ${quote(byLabel.get(winner) ?? [], rowName)} are labelled ${JSON.stringify(winner)}, ${why} (${summary})`;
        add(row, { check: 'label-conflict', detail, related: others });
      }
    }
  }
  for (let r = 0; r < rows; r += 1) {
    const original = duplicates.exactOf[r] as number;
    if (original === -1 || conflicted.has(r) || (compare && labels[r] !== labels[original])) continue;
    add(r, { check: 'duplicate', detail: `same text${compare ? ' and label' : ''} as ${rowName(original)}`, related: [original] });
  }
  // Neighbour lists from the edge list, both directions.
  const neighbours = new Map<number, number[]>();
  const link = (a: number, b: number): void => {
    const list = neighbours.get(a);
    if (list === undefined) neighbours.set(a, [b]);
    else list.push(b);
  };
  const { edges } = duplicates;
  for (let e = 0; e < edges.count; e += 1) {
    link(edges.from[e] as number, edges.to[e] as number);
    link(edges.to[e] as number, edges.from[e] as number);
  }
  for (const [row, list] of compare ? neighbours : []) {
    const own = labels[row];
    if (own === undefined || conflicted.has(row)) continue;
    const byLabel = countLabels([...new Set(list)], labels);
    const labelled = [...byLabel.values()].reduce((n, l) => n + l.length, 0);
    if (labelled < MIN_NEIGHBOURS) continue;
    const [top] = [...byLabel.entries()].sort((a, b) => b[1].length - a[1].length);
    if (top === undefined || top[0] === own || top[1].length < NEIGHBOUR_AGREEMENT * labelled) continue;
    add(row, {
      check: 'neighbour-disagreement',
      detail: `labelled ${JSON.stringify(own)}, but ${top[1].length} of its ${labelled} near neighbours are labelled ${JSON.stringify(top[0])}: ${quote(top[1], rowName)}`,
      related: top[1],
    });
  }
  return findings;
}
