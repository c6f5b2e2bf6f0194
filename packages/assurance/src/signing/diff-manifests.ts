import { parseResourceName, sortPaths, type ManifestResource, type Serialization, type UnsafeEntry } from './tree-manifest.js';

/**
 * One way the tree on disk differs from the signed manifest, always naming the file.
 * `renamed`: a signed file's exact content now sits under another name (`from` is the signed name).
 * `unsafe`: an entry the verifier refused to read (a symbolic link, FIFO...), with the reason.
 */
export type TreeDifference =
  | { readonly kind: 'modified' | 'added' | 'removed'; readonly path: string }
  | { readonly kind: 'renamed'; readonly path: string; readonly from: string }
  | { readonly kind: 'unsafe'; readonly path: string; readonly reason: string };

/** Both sides of a comparison; they must have been hashed with the same serialization method. */
export interface ManifestComparison {
  readonly method: Serialization['method'];
  readonly signed: readonly ManifestResource[];
  readonly local: readonly ManifestResource[];
  readonly unsafe?: readonly UnsafeEntry[];
}

/**
 * Compares the signed resources with the ones just computed, file by file (shards are grouped back
 * into their file, so a changed shard reports its file once). A removed file whose exact content
 * appears under a new name is reported as `renamed` rather than as a removal and an addition.
 *
 * @example
 * diffManifests({ method: 'files', signed, local }) // [{ kind: 'modified', path: 'model.safetensors' }]
 */
export function diffManifests(comparison: ManifestComparison): TreeDifference[] {
  const signed = fingerprints(comparison.signed, comparison.method);
  const local = fingerprints(comparison.local, comparison.method);
  const unsafePaths = new Set((comparison.unsafe ?? []).map((u) => u.path));
  const differences: TreeDifference[] = (comparison.unsafe ?? []).map((u) => ({ kind: 'unsafe', path: u.path, reason: u.reason }));

  const removed = new Map<string, string[]>();
  for (const [path, print] of signed) {
    const now = local.get(path);
    if (now === undefined) {
      // An entry replaced by something unsafe is already reported under that path.
      if (!unsafePaths.has(path)) removed.set(print, [...(removed.get(print) ?? []), path]);
    } else if (now !== print) {
      differences.push({ kind: 'modified', path });
    }
  }
  for (const [path, print] of local) {
    if (signed.has(path)) continue;
    const from = removed.get(print)?.shift();
    differences.push(from === undefined ? { kind: 'added', path } : { kind: 'renamed', path, from });
  }
  for (const paths of removed.values()) for (const path of paths) differences.push({ kind: 'removed', path });
  return sortPaths(differences, (d) => d.path);
}

/** Path → a string standing for the file's whole content (its digest, or its shards and their digests). */
function fingerprints(resources: readonly ManifestResource[], method: Serialization['method']): Map<string, string> {
  const shards = new Map<string, Array<{ start: number; text: string }>>();
  for (const resource of resources) {
    const parsed = parseResourceName(resource.name, method) ?? { path: resource.name, start: 0, end: -1 };
    const list = shards.get(parsed.path) ?? [];
    list.push({ start: parsed.start, text: `${parsed.start}-${parsed.end}:${resource.digest}` });
    shards.set(parsed.path, list);
  }
  const prints = new Map<string, string>();
  // Sorted so that removed paths are paired with added ones in a stable order.
  for (const path of sortPaths([...shards.keys()], (p) => p)) {
    const list = (shards.get(path) ?? []).sort((a, b) => a.start - b.start);
    prints.set(path, list.map((s) => s.text).join(','));
  }
  return prints;
}
