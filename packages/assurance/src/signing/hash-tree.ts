import { UserError } from '@rampart/core';
import { hashTasks, type SizedHashTask } from './hash-tasks.js';
import {
  MIN_SHARD_SIZE,
  relativePathProblem,
  shardResourceName,
  sortPaths,
  type ManifestResource,
  type Serialization,
  type TreeManifest,
} from './tree-manifest.js';
import { walkTree, type WalkOptions } from './walk-tree.js';

/**
 * model_signing's default shard size (1 GB). Files up to this size are hashed whole, so their
 * digests equal `sha256sum`'s; a tree holding a larger file is serialized by shards.
 */
export const DEFAULT_SHARD_SIZE = 1_000_000_000;

/** Ignored by default, as model_signing does: repository metadata is not part of the model. */
export const DEFAULT_IGNORE_PATHS: readonly string[] = ['.git', '.gitattributes', '.github', '.gitignore'];

export interface HashTreeOptions extends WalkOptions {
  /**
   * `files`: one digest per file. `shards`: every file cut into `shardSize` pieces, hashed in
   * parallel. `auto` (default): `shards` only when some file is larger than `shardSize`.
   */
  readonly method?: 'auto' | 'files' | 'shards';
  /** Bytes per shard; default {@link DEFAULT_SHARD_SIZE}, at least 4096. */
  readonly shardSize?: number;
  /** Worker threads; default: available cores, at most 8. */
  readonly workers?: number;
  /** `throw` (default): refuse a tree with unsafe entries. `collect`: list them in `unsafe` and go on. */
  readonly onUnsafe?: 'throw' | 'collect';
}

/**
 * Hashes every regular file of a folder (or a single file) with SHA-256 and returns the manifest
 * that `signTree` signs and `verifyTree` compares: resources in canonical order, each file or shard
 * with its digest. Reading is streamed in 1 MiB chunks on worker threads, so memory stays flat and
 * the event loop stays free however large the model is.
 *
 * @example
 * const manifest = await hashTree('models/llama-3-8b');
 * manifest.resources[0] // { name: 'config.json', algorithm: 'sha256', digest: '…' }
 */
export async function hashTree(root: string, options: HashTreeOptions = {}): Promise<TreeManifest> {
  const shardSize = options.shardSize ?? DEFAULT_SHARD_SIZE;
  if (!Number.isSafeInteger(shardSize) || shardSize < MIN_SHARD_SIZE) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `shard size must be an integer of at least ${MIN_SHARD_SIZE} bytes, got ${shardSize}.`);
  }
  const ignorePaths = options.ignorePaths ?? DEFAULT_IGNORE_PATHS;
  for (const path of ignorePaths) {
    const problem = relativePathProblem(path);
    if (problem !== undefined) throw new UserError('RAMPART_E_INPUT_INVALID', `ignore path '${path}' ${problem}.`);
  }
  const walk = await walkTree(root, { ...options, ignorePaths });
  if (walk.unsafe.length > 0 && options.onUnsafe !== 'collect') {
    throw new UserError('RAMPART_E_INPUT_INVALID', `${root}: refusing to hash a tree with ${walk.unsafe.length} unsafe ${walk.unsafe.length === 1 ? 'entry' : 'entries'}:`, {
      details: walk.unsafe.map((entry) => `${JSON.stringify(entry.path)}: ${entry.reason}`),
    });
  }

  const method = options.method === 'files' || options.method === 'shards' ? options.method : walk.files.some((f) => f.size > shardSize) ? 'shards' : 'files';
  const tasks: SizedHashTask[] = [];
  for (const file of walk.files) {
    const base = { path: file.absolutePath, dev: file.dev, ino: file.ino, fileSize: file.size };
    if (method === 'files') {
      tasks.push({ ...base, start: 0, end: -1, size: file.size, label: file.path });
      continue;
    }
    // An empty file still gets one (empty) shard, so it is listed and its removal is noticed.
    for (let start = 0; start === 0 || start < file.size; start += shardSize) {
      const end = Math.min(file.size, start + shardSize);
      tasks.push({ ...base, start, end, size: end - start, label: shardResourceName(file.path, start, end) });
    }
  }
  const digests = await hashTasks(tasks, { workers: options.workers });

  let bytes = 0;
  const resources: ManifestResource[] = tasks.map((task, i) => {
    const result = digests[i] as { digest: string; bytes: number };
    bytes += result.bytes;
    return { name: task.label, algorithm: 'sha256', digest: result.digest };
  });
  const ignored = sortPaths([...new Set([...ignorePaths, ...walk.excluded])], (p) => p);
  const allowSymlinks = options.allowSymlinks === true;
  // Field order as model_signing writes it.
  const serialization: Serialization =
    method === 'files'
      ? { method, hash_type: 'sha256', allow_symlinks: allowSymlinks, ignore_paths: ignored }
      : { method, hash_type: 'sha256', shard_size: shardSize, allow_symlinks: allowSymlinks, ignore_paths: ignored };
  return {
    modelName: walk.modelName,
    serialization,
    // Walk order is already canonical by path, and shards of one file are pushed by offset.
    resources,
    files: walk.files.map((f) => ({ path: f.path, size: f.size })),
    bytes,
    unsafe: walk.unsafe,
  };
}
