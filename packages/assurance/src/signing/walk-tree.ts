import { isUtf8 } from 'node:buffer';
import type { BigIntStats } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UserError } from '@rampart/core';
import { sortPaths, type UnsafeEntry } from './tree-manifest.js';

/** What to skip and what to allow while walking. */
export interface WalkOptions {
  /**
   * Follow symbolic links whose target is a regular file inside the tree (hashed under the link's
   * name). Off by default, as in model_signing: a link is refused. Links that leave the tree, dangle
   * or point at a directory are refused either way.
   */
  readonly allowSymlinks?: boolean;
  /** Relative POSIX paths, from the root, skipped with everything below them (`.git`). */
  readonly ignorePaths?: readonly string[];
  /** Files skipped wherever they are, given as paths on disk: the signature bundle itself. */
  readonly excludeFiles?: readonly string[];
}

/** A regular file the walk will hash. `dev`/`ino` let the reader notice a file swapped underneath it. */
export interface WalkedFile {
  /** Relative POSIX path from the root; for a single-file root, its name. */
  readonly path: string;
  readonly absolutePath: string;
  readonly size: number;
  readonly dev: string;
  readonly ino: string;
}

export interface WalkResult {
  /** The root with symbolic links resolved. */
  readonly root: string;
  readonly modelName: string;
  /** In canonical order. */
  readonly files: readonly WalkedFile[];
  readonly unsafe: readonly UnsafeEntry[];
  /** Relative paths of the `excludeFiles` that lie inside the tree (whether or not they exist yet). */
  readonly excluded: readonly string[];
}

const SPECIAL_KINDS: ReadonlyArray<[(s: BigIntStats) => boolean, string]> = [
  [(s) => s.isFIFO(), 'is a FIFO (named pipe); reading it could block forever'],
  [(s) => s.isSocket(), 'is a socket'],
  [(s) => s.isCharacterDevice(), 'is a character device'],
  [(s) => s.isBlockDevice(), 'is a block device'],
];

/**
 * Lists every regular file under `root` in a deterministic order (sorted relative POSIX paths),
 * never following a path out of the tree. Entries that could be used to smuggle content or hang
 * the reader (symbolic links, FIFOs, sockets, devices, names that are not valid UTF-8 or contain a
 * backslash) are returned in `unsafe` instead of `files`; the caller decides whether that is fatal.
 * Empty directories contribute nothing. A file given as `root` is a one-file tree.
 *
 * @example
 * const { files, unsafe } = await walkTree('models/llama', { ignorePaths: ['.git'] });
 */
export async function walkTree(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  const realRoot = await realpathOrThrow(root);
  const rootStats = await lstat(realRoot, { bigint: true });
  const modelName = basename(resolve(root)) || basename(realRoot) || 'model';
  if (rootStats.isFile()) {
    if ((await Promise.all((options.excludeFiles ?? []).map(resolveMaybeMissing))).includes(realRoot)) {
      throw new UserError('RAMPART_E_INPUT_INVALID', `${root}: the signature file cannot be the file being signed.`);
    }
    const name = basename(realRoot);
    return { root: realRoot, modelName, files: [fileOf(name, realRoot, rootStats)], unsafe: [], excluded: [] };
  }
  if (!rootStats.isDirectory()) throw new UserError('RAMPART_E_INPUT_INVALID', `${root}: neither a regular file nor a directory.`);

  const excluded = new Set(await Promise.all((options.excludeFiles ?? []).map(resolveMaybeMissing)));
  const excludedInside = [...excluded].filter((path) => path !== realRoot && isInside(realRoot, path)).map((path) => relative(realRoot, path).split(sep).join('/'));
  const ignore = options.ignorePaths ?? [];
  const files: WalkedFile[] = [];
  const unsafe: UnsafeEntry[] = [];
  const pending: Array<{ dir: string; rel: string }> = [{ dir: realRoot, rel: '' }];

  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { dir, rel } = next;
    const names = await readDirectory(dir, rel);
    await Promise.all(
      names.map(async (raw) => {
        const name = raw.toString('utf8');
        const path = rel === '' ? name : `${rel}/${name}`;
        if (!isUtf8(raw)) {
          unsafe.push({ path, reason: `file name is not valid UTF-8 (bytes ${raw.toString('hex')}); rename it` });
          return;
        }
        if (ignore.some((ignored) => path === ignored || path.startsWith(`${ignored}/`))) return;
        const absolutePath = join(dir, name);
        if (excluded.has(absolutePath)) return;
        if (name.includes('\\')) {
          unsafe.push({ path, reason: 'file name contains a backslash, which Windows reads as a path separator' });
          return;
        }
        let stats: BigIntStats;
        try {
          stats = await lstat(absolutePath, { bigint: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // removed while walking
          throw fsError(error, path);
        }
        if (stats.isDirectory()) pending.push({ dir: absolutePath, rel: path });
        else if (stats.isFile()) files.push(fileOf(path, absolutePath, stats));
        else if (stats.isSymbolicLink()) {
          const followed = await followLink({ root: realRoot, absolutePath, path }, options.allowSymlinks === true);
          if ('reason' in followed) unsafe.push(followed);
          else files.push(followed);
        } else {
          const kind = SPECIAL_KINDS.find(([test]) => test(stats));
          unsafe.push({ path, reason: kind?.[1] ?? 'is not a regular file' });
        }
      }),
    );
  }
  return {
    root: realRoot,
    modelName,
    files: sortPaths(files, (f) => f.path),
    unsafe: sortPaths(unsafe, (u) => u.path),
    excluded: sortPaths(excludedInside, (p) => p),
  };
}

function fileOf(path: string, absolutePath: string, stats: BigIntStats): WalkedFile {
  return { path, absolutePath, size: Number(stats.size), dev: String(stats.dev), ino: String(stats.ino) };
}

async function followLink(link: { root: string; absolutePath: string; path: string }, allow: boolean): Promise<WalkedFile | UnsafeEntry> {
  const { root, absolutePath, path } = link;
  const target = await readlink(absolutePath).catch(() => '?');
  let real: string;
  try {
    real = await realpath(absolutePath);
  } catch {
    return { path, reason: `dangling symbolic link (-> ${target})` };
  }
  if (!isInside(root, real)) return { path, reason: `symbolic link pointing outside the tree (-> ${target})` };
  if (!allow) return { path, reason: `symbolic link (-> ${target}); links are refused unless allow_symlinks is set` };
  const stats = await stat(real, { bigint: true });
  if (!stats.isFile()) return { path, reason: `symbolic link to something other than a regular file (-> ${target}); not followed` };
  return fileOf(path, real, stats);
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

async function readDirectory(dir: string, rel: string): Promise<Buffer[]> {
  try {
    // Buffers, not strings: Node would silently replace bytes that are not UTF-8, so two different
    // names could collapse into one and the file could not be opened again by that name.
    return await readdir(dir, { encoding: 'buffer' });
  } catch (error) {
    throw fsError(error, rel === '' ? '.' : rel);
  }
}

async function realpathOrThrow(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    throw fsError(error, path);
  }
}

// The signature file may not exist yet when signing; its folder does.
async function resolveMaybeMissing(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    try {
      return join(await realpath(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

function fsError(error: unknown, path: string): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return new UserError('RAMPART_E_INPUT_INVALID', `${path}: ${why}.`, { cause: error });
}
