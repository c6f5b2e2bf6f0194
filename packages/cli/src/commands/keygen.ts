import { lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@rampart/core';
import { generateSigningKeyPair, type SigningAlgorithm } from '@rampart/assurance';
import { writeLine, type CliIo, type ExitCode } from '../cli-io.js';

/**
 * `rampart keygen --out DIR [--alg ed25519|p256] [--force]`: writes `signing.key` (PKCS#8 PEM,
 * mode 0600) and `signing.pub` (SPKI PEM). An existing key is never overwritten without --force:
 * losing a signing key silently would orphan every signature made with it.
 */
export async function keygenCommand(io: CliIo, opts: { out: string; alg: SigningAlgorithm; force?: boolean }): Promise<ExitCode> {
  const keyPath = join(opts.out, 'signing.key');
  const pubPath = join(opts.out, 'signing.pub');
  await mkdir(opts.out, { recursive: true, mode: 0o700 });
  for (const path of [keyPath, pubPath]) {
    // lstat, not exists(): a dangling symlink planted at the key's path counts as "exists" too.
    const present = await lstat(path).then(
      () => true,
      () => false,
    );
    if (!present) continue;
    if (opts.force !== true) throw new UserError('RAMPART_E_CLI_USAGE', `${path} already exists; refusing to overwrite a key (use --force to replace it).`);
    await rm(path, { force: true });
  }
  const pair = generateSigningKeyPair(opts.alg);
  // 'wx' fails if something appeared at the path since the check, instead of writing through it.
  await writeFile(keyPath, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
  await writeFile(pubPath, pair.publicKeyPem, { mode: 0o644, flag: 'wx' });
  writeLine(io.stdout, `wrote ${keyPath} (private ${opts.alg} key, mode 0600: keep it secret)`);
  writeLine(io.stdout, `wrote ${pubPath} (public key: give it to whoever verifies)`);
  writeLine(io.stdout, `key hint: ${pair.keyHint}`);
  return 0;
}
