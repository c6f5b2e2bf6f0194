import { createHash } from 'node:crypto';

/**
 * How a tree was turned into resources, recorded in the signed statement so a verifier hashes the
 * same way. Field names follow OpenSSF model_signing v1.0 (`predicate.serialization`).
 * `files`: one resource per file, named by its path. `shards`: every file is cut into
 * `shard_size`-byte pieces, each a resource named `path:start:end` (end exclusive).
 */
export type Serialization =
  | {
      readonly method: 'files';
      readonly hash_type: 'sha256';
      readonly allow_symlinks: boolean;
      readonly ignore_paths: readonly string[];
    }
  | {
      readonly method: 'shards';
      readonly hash_type: 'sha256';
      readonly shard_size: number;
      readonly allow_symlinks: boolean;
      readonly ignore_paths: readonly string[];
    };

/** One hashed item: a file or a shard of one (an in-toto ResourceDescriptor, flattened as model_signing does). */
export interface ManifestResource {
  readonly name: string;
  readonly algorithm: 'sha256';
  /** Lower-case hex SHA-256. */
  readonly digest: string;
}

/** A file or other entry the walk refused to read, with the reason (symlink, FIFO, odd name...). */
export interface UnsafeEntry {
  readonly path: string;
  readonly reason: string;
}

/** The result of hashing a tree: what gets signed, plus what the walk saw. */
export interface TreeManifest {
  /** Informative only (the folder's name): renaming the folder must not break the signature. */
  readonly modelName: string;
  readonly serialization: Serialization;
  /** In canonical order (see {@link comparePaths}); the root digest depends on it. */
  readonly resources: readonly ManifestResource[];
  readonly files: readonly { readonly path: string; readonly size: number }[];
  readonly bytes: number;
  /** Always empty when hashing refused unsafe entries (the default); filled in `collect` mode. */
  readonly unsafe: readonly UnsafeEntry[];
}

/** The smallest shard size accepted, so a manifest cannot demand billions of tiny resources. */
export const MIN_SHARD_SIZE = 4096;

/**
 * The subject digest of the statement: SHA-256 over the raw bytes of every resource digest, in
 * resource order (as model_signing defines it). It names the whole tree in one value.
 *
 * @example
 * rootDigest(manifest.resources) // '9f2c…'
 */
export function rootDigest(resources: readonly ManifestResource[]): string {
  const hash = createHash('sha256');
  for (const resource of resources) hash.update(Buffer.from(resource.digest, 'hex'));
  return hash.digest('hex');
}

/** `path:start:end`, the shard resource name model_signing uses. */
export function shardResourceName(path: string, start: number, end: number): string {
  return `${path}:${start}:${end}`;
}

/**
 * Splits a resource name back into the file path and, for shards, the byte range. Shard names are
 * split at the last two colons so a path that itself contains `:` still round-trips.
 *
 * @example
 * parseResourceName('w/model.bin:0:4096', 'shards') // { path: 'w/model.bin', start: 0, end: 4096 }
 */
export function parseResourceName(name: string, method: Serialization['method']): { path: string; start: number; end: number } | undefined {
  if (method === 'files') return { path: name, start: 0, end: -1 };
  const match = /^(.+):(0|[1-9][0-9]{0,15}):(0|[1-9][0-9]{0,15})$/s.exec(name);
  if (match === null) return undefined;
  const start = Number(match[2]);
  const end = Number(match[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  return { path: match[1] ?? '', start, end };
}

/**
 * Orders relative POSIX paths component by component, comparing components by Unicode code point
 * (UTF-8 byte order), so `a/b` sorts before `a-b` and the order does not depend on the platform,
 * the locale or JavaScript's UTF-16 string comparison.
 *
 * @example
 * ['a-b', 'a/b'].sort(comparePaths) // ['a/b', 'a-b']
 */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(sortKey(a), sortKey(b));
}

/** Sorts paths with {@link comparePaths}, computing each sort key once. */
export function sortPaths<T>(items: readonly T[], pathOf: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, key: sortKey(pathOf(item)) }));
  keyed.sort((x, y) => Buffer.compare(x.key, y.key));
  return keyed.map((entry) => entry.item);
}

// NUL cannot occur in a file name, so mapping the separator to it makes a byte-wise comparison of
// the whole string equal to a component-wise one.
function sortKey(path: string): Buffer {
  return Buffer.from(path.replaceAll('/', '\0'), 'utf8');
}

/**
 * Checks that a name from a manifest or an ignore list is a plain relative POSIX path: no empty,
 * `.` or `..` components, not absolute, no backslash or NUL. Returns the problem, or undefined.
 *
 * @example
 * relativePathProblem('../etc/passwd') // "contains a '..' component"
 */
export function relativePathProblem(path: string): string | undefined {
  if (path.length === 0) return 'is empty';
  if (path.startsWith('/')) return 'is absolute';
  if (path.includes('\0')) return 'contains NUL';
  if (path.includes('\\')) return 'contains a backslash';
  for (const part of path.split('/')) {
    if (part === '') return 'has an empty component';
    if (part === '.') return "contains a '.' component";
    if (part === '..') return "contains a '..' component";
  }
  return undefined;
}
