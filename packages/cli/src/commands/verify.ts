import { stat } from 'node:fs/promises';
import { UserError } from '@rampart/core';
import { describeDifference, displayPath, verifyTree } from '@rampart/assurance';
import { writeJson, writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { readOptionFile } from '../option-files.js';

// Far above any real manifest (about 150 bytes per file or shard), far below a mistaken model file.
const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/**
 * `rampart verify PATH --sig FILE --pub FILE`: exit 0 when the signature is valid and every file
 * matches; 1 naming each file modified, added, removed, renamed or unsafe, or when the signature is
 * refused; 2 when an input cannot be read (missing file, malformed bundle, bad key).
 */
export async function verifyCommand(io: CliIo, args: { path: string; opts: { sig: string; pub: string; json?: boolean } }): Promise<ExitCode> {
  const { path, opts } = args;
  const size = await stat(opts.sig).then(
    (s) => s.size,
    (error: NodeJS.ErrnoException) => {
      throw new UserError('RAMPART_E_CLI_USAGE', `--sig ${opts.sig}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`, { cause: error });
    },
  );
  if (size > MAX_BUNDLE_BYTES) throw new UserError('RAMPART_E_INPUT_INVALID', `--sig ${opts.sig}: ${size} bytes is too large for a signature bundle.`);
  const [bundle, publicKey] = await Promise.all([readOptionFile(opts.sig, '--sig'), readOptionFile(opts.pub, '--pub')]);

  const result = await verifyTree({ root: path, bundle, publicKey, signatureFile: opts.sig });
  if (opts.json === true) {
    writeJson(io.stdout, { path, ...result });
    return result.ok ? 0 : 1;
  }
  if (!result.signatureValid) {
    writeLine(io.stderr, `signature INVALID: ${result.signatureError ?? 'unknown reason'}`);
    return 1;
  }
  const signed = result.signed;
  if (result.ok) {
    writeLine(io.stdout, `verified: ${result.filesChecked} files of ${displayPath(signed?.modelName ?? path)} match the signed manifest (sha256:${signed?.rootDigest ?? '?'}, key hint ${result.keyHint.slice(0, 16)})`);
    return 0;
  }
  const count = result.differences.length;
  writeLine(io.stderr, `${displayPath(path)} does NOT match the signed manifest: ${count} ${count === 1 ? 'difference' : 'differences'} (signature valid, key hint ${result.keyHint.slice(0, 16)})`);
  for (const difference of result.differences) writeLine(io.stderr, `  ${describeDifference(difference)}`);
  return 1;
}

