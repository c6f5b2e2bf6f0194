import { createHash } from 'node:crypto';
import { wordTokens } from '../hash-features.js';
import type { LabeledExample } from './examples.js';

/**
 * Honest splits. Several public sets were written by one generator model and share a style a
 * classifier can learn instead of intent, so the held-out split is made of whole SOURCES the
 * model never trains on; and near-duplicates (the same request with a different suffix, one
 * behaviour in two datasets, a malicious row and its benign twin) always land in one split, so
 * no held-out prompt has a near-copy in training.
 */
export type Split = 'train' | 'calibration' | 'heldout';

export interface SplitPlan {
  /** Sources held out whole (evaluation only). */
  readonly heldoutSources: readonly string[];
  /** Share of the remaining clusters used for calibration and threshold choice. */
  readonly calibrationShare: number;
  /**
   * Sources of our own writing, split by cluster: this share of their clusters is held out too
   * (they cover the taxonomy's hard cases, which no public source does).
   */
  readonly ownSourcePrefix: string;
  readonly ownHeldoutShare: number;
}

/** Word 3-shingles of a text (hashed), for near-duplicate detection. */
function shingles(text: string): Set<string> {
  const tokens = wordTokens(text);
  const out = new Set<string>();
  if (tokens.length < 3) out.add(tokens.join(' '));
  for (let i = 0; i + 3 <= tokens.length; i += 1) out.add(`${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]}`);
  return out;
}

const NEAR_DUPLICATE_JACCARD = 0.5;
const MINHASHES = 24;
const BAND_ROWS = 2;

function minhash(set: ReadonlySet<string>): Uint32Array {
  const signature = new Uint32Array(MINHASHES).fill(0xffffffff);
  for (const item of set) {
    const digest = createHash('sha1').update(item).digest();
    for (let h = 0; h < MINHASHES; h += 1) {
      // Two 32-bit words of the digest mixed per hash function: a cheap family of hashes.
      const value = (digest.readUInt32LE((h % 4) * 4) ^ Math.imul(digest.readUInt32LE(16), h * 0x9e3779b1 + 1)) >>> 0;
      if (value < (signature[h] as number)) signature[h] = value;
    }
  }
  return signature;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  return shared / (a.size + b.size - shared || 1);
}

/**
 * Cluster ids by near-duplicate (Jaccard of word 3-shingles ≥ 0.5, found with MinHash LSH and
 * verified exactly). Returns one cluster id per example.
 */
export function nearDuplicateClusters(examples: readonly LabeledExample[]): number[] {
  const parent = examples.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[i] !== root) {
      const next = parent[i] as number;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const sets = examples.map((e) => shingles(e.text));
  const buckets = new Map<string, number[]>();
  sets.forEach((set, i) => {
    const signature = minhash(set);
    for (let band = 0; band < MINHASHES / BAND_ROWS; band += 1) {
      const key = `${band}:${Array.from(signature.subarray(band * BAND_ROWS, (band + 1) * BAND_ROWS)).join(',')}`;
      const list = buckets.get(key);
      if (list === undefined) buckets.set(key, [i]);
      else list.push(i);
    }
  });
  for (const members of buckets.values()) {
    if (members.length < 2 || members.length > 200) continue;
    for (let x = 0; x < members.length; x += 1) {
      for (let y = x + 1; y < members.length; y += 1) {
        const a = members[x] as number;
        const b = members[y] as number;
        if (find(a) === find(b)) continue;
        if (jaccard(sets[a] as Set<string>, sets[b] as Set<string>) >= NEAR_DUPLICATE_JACCARD) parent[find(a)] = find(b);
      }
    }
  }
  return examples.map((_, i) => find(i));
}

/** Exact duplicates (case and whitespace folded) removed; a text labeled both ways is dropped. */
export function deduplicate(examples: readonly LabeledExample[]): LabeledExample[] {
  const byKey = new Map<string, LabeledExample[]>();
  for (const example of examples) {
    const key = example.text.toLowerCase().replace(/\s+/g, ' ').trim();
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [example]);
    else list.push(example);
  }
  const out: LabeledExample[] = [];
  for (const list of byKey.values()) {
    if (new Set(list.map((e) => e.label)).size > 1) continue;
    out.push(list[0] as LabeledExample);
  }
  return out;
}

/** A stable fraction in [0, 1) from a string, for seed-independent cluster assignment. */
function unitHash(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0) / 2 ** 32;
}

export function assignSplits(examples: readonly LabeledExample[], plan: SplitPlan): Split[] {
  const clusters = nearDuplicateClusters(examples);
  const heldSources = new Set(plan.heldoutSources);
  // A cluster with any member from a held-out source is held out whole.
  const clusterSplit = new Map<number, Split>();
  examples.forEach((example, i) => {
    if (heldSources.has(example.source)) clusterSplit.set(clusters[i] as number, 'heldout');
  });
  return examples.map((example, i) => {
    const cluster = clusters[i] as number;
    const fixed = clusterSplit.get(cluster);
    if (fixed !== undefined) return fixed;
    // The cluster's smallest member id names it, so the assignment does not depend on order.
    const name = examples[cluster]?.id ?? example.id;
    const u = unitHash(name);
    let split: Split;
    if (example.source.startsWith(plan.ownSourcePrefix) && u < plan.ownHeldoutShare) split = 'heldout';
    else if (unitHash(`calibration:${name}`) < plan.calibrationShare) split = 'calibration';
    else split = 'train';
    clusterSplit.set(cluster, split);
    return split;
  });
}
