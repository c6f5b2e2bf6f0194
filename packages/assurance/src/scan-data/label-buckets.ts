/**
 * Labels as small integers for counting. The most frequent labels get a bucket each; the rest
 * share one `other` bucket, so per-label counts stay a fixed, small width whether the labels are
 * three topics or thousands of distinct chat replies.
 */
export interface LabelBuckets {
  /** Bucket names; `other` (when present) is last. */
  readonly names: readonly string[];
  /** Per row: its bucket, or −1 for a row without a label. */
  readonly ofRow: Int8Array;
  /** Rows per bucket. */
  readonly rows: Uint32Array;
  /** The pooled bucket's index, or −1 when every label has its own. */
  readonly other: number;
  /** Rows with a label. */
  readonly labelled: number;
}

/** Labels with a bucket of their own; more distinct labels than this are pooled. */
export const MAX_NAMED_LABELS = 15;
export const OTHER_LABELS = '(other)';

/**
 * Buckets the labels of every row.
 *
 * @example
 * labelBuckets(['math', 'code', 'math', undefined]).ofRow; // Int8Array [0, 1, 0, -1]
 */
export function labelBuckets(labels: readonly (string | undefined)[]): LabelBuckets {
  const counts = new Map<string, number>();
  for (const label of labels) if (label !== undefined) counts.set(label, (counts.get(label) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([label]) => label);
  const named = ranked.slice(0, MAX_NAMED_LABELS);
  const pooled = ranked.length > named.length;
  const names = pooled ? [...named, OTHER_LABELS] : named;
  const other = pooled ? names.length - 1 : -1;
  const index = new Map(named.map((label, i) => [label, i]));
  const ofRow = new Int8Array(labels.length);
  const rows = new Uint32Array(names.length);
  let labelled = 0;
  labels.forEach((label, r) => {
    const bucket = label === undefined ? -1 : (index.get(label) ?? other);
    ofRow[r] = bucket;
    if (bucket >= 0) {
      rows[bucket] = (rows[bucket] as number) + 1;
      labelled += 1;
    }
  });
  return { names, ofRow, rows, other, labelled };
}
