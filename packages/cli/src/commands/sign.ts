import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { UserError } from '@rampart/core';
import { BUNDLE_MEDIA_TYPE, displayPath, signTree } from '@rampart/assurance';
import { writeJson, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { readOptionFile, writeOutAtomically } from '../option-files.js';

// The most an existing --out may hold for us to check it is a bundle we may replace.
const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/**
 * `rampart sign PATH --key FILE --out SIGFILE`: hashes every file of PATH and writes a signed
 * manifest (Sigstore bundle holding a DSSE envelope around an in-toto statement).
 */
export async function signCommand(io: CliIo, args: { path: string; opts: { key: string; out: string; json?: boolean } }): Promise<ExitCode> {
  const { path, opts } = args;
  const privateKeyPem = await readOptionFile(opts.key, '--key');
  await refuseKeyInsideTree(opts.key, path);
  const mode = (await stat(opts.key)).mode & 0o777;
  if ((mode & 0o077) !== 0) writeLine(io.stderr, `warning: ${opts.key} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it.`);

  await refuseToClobber(opts.out);

  const started = performance.now();
  const result = await signTree({ root: path, privateKey: privateKeyPem, signatureFile: opts.out });
  const seconds = (performance.now() - started) / 1000;
  await writeOutAtomically(opts.out, `${JSON.stringify(result.bundle, null, 2)}\n`);

  const { manifest } = result;
  const summary = {
    ok: true,
    out: opts.out,
    modelName: manifest.modelName,
    method: manifest.serialization.method,
    files: manifest.files.length,
    resources: manifest.resources.length,
    bytes: manifest.bytes,
    rootDigest: result.rootDigest,
    keyHint: result.keyHint,
    ignorePaths: manifest.serialization.ignore_paths,
    seconds: Number(seconds.toFixed(3)),
  };
  if (opts.json === true) {
    writeJson(io.stdout, summary);
    return 0;
  }
  const shards = manifest.serialization.method === 'shards' ? `, ${manifest.resources.length} shards of up to ${manifest.serialization.shard_size} bytes` : '';
  writeLine(io.stdout, `signed ${summary.files} files (${formatBytes(summary.bytes)}${shards}) of ${displayPath(summary.modelName)} in ${seconds.toFixed(2)} s`);
  writeLine(io.stdout, `root digest sha256:${result.rootDigest}`);
  writeLine(io.stdout, `key hint ${result.keyHint}`);
  writeLine(io.stdout, `wrote ${opts.out}`);
  return 0;
}

// A key inside the folder would be listed in the manifest and, worse, shipped with the model.
async function refuseKeyInsideTree(keyFile: string, root: string): Promise<void> {
  const [key, tree] = await Promise.all([realpath(keyFile), realpath(root).catch(() => undefined)]);
  if (tree !== undefined && (key === tree || key.startsWith(tree.endsWith(sep) ? tree : `${tree}${sep}`))) {
    throw new UserError('RAMPART_E_CLI_USAGE', `the private key ${keyFile} lies inside ${root}, the tree being signed; move it out so it is neither listed nor shipped with the model.`);
  }
}

// --out pointing at the key, a weight file or a dataset by mistake must not destroy it: only an
// earlier signature bundle may be replaced.
async function refuseToClobber(out: string): Promise<void> {
  const existing = await lstat(out).catch(() => undefined);
  if (existing === undefined) return;
  let isBundle = false;
  if (existing.isFile() && existing.size <= MAX_BUNDLE_BYTES) {
    try {
      isBundle = (JSON.parse(await readFile(out, 'utf8')) as { mediaType?: unknown }).mediaType === BUNDLE_MEDIA_TYPE;
    } catch {
      isBundle = false;
    }
  }
  if (!isBundle) throw new UserError('RAMPART_E_CLI_USAGE', `--out ${out} exists and is not a signature bundle; refusing to overwrite it.`);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
