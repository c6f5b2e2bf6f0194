import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError, auditKeyId } from '@rampart/core';

export interface AuditSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** First 16 hex characters of the SHA-256 of the public key (SPKI DER); names the key in checkpoints. */
  readonly keyId: string;
  /** True when this call generated the key pair. */
  readonly created: boolean;
}

/**
 * Loads the Ed25519 key that signs audit checkpoints, generating it on first start.
 *
 * The private key is written as PKCS#8 PEM with mode 0600 (the directory is created 0700), the
 * public key as SPKI PEM next to it (`<file>.pub`) for `rampart audit verify` and for handing to
 * an auditor. Creation is atomic and race-free: the key is written to a private temporary file
 * and hard-linked into place, so two replicas starting together on a shared directory end up
 * with one key, and a crash never leaves a half-written key behind.
 *
 * A file that is not an Ed25519 private key, or a `.pub` file that belongs to another key, is
 * refused rather than replaced: silently generating a new key would orphan every checkpoint the
 * old one signed.
 *
 * @example
 * const key = loadOrCreateAuditSigningKey(join(dataDir, 'audit-signing.key'));
 * if (key.created) logger.info({ keyId: key.keyId }, 'created audit signing key');
 */
export function loadOrCreateAuditSigningKey(file: string): AuditSigningKey {
  let pem = readIfExists(file);
  let created = false;
  if (pem === undefined) {
    const generated = generateKeyPairSync('ed25519');
    const fresh = generated.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      created = createExclusive(file, fresh, 0o600);
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError('RAMPART_E_CONFIG_INVALID', `Cannot create audit signing key ${file}: ${(error as Error).message}`, { cause: error });
    }
    // Lost the race to another process: use the key it wrote.
    pem = created ? fresh : readFileSync(file, 'utf8');
  }
  const privateKey = parsePrivateKey(pem, file);
  const publicKey = createPublicKey(privateKey);
  const keyId = auditKeyId(publicKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const pubFile = `${file}.pub`;
  const existingPub = readIfExists(pubFile);
  if (existingPub === undefined) {
    try {
      writeAtomic(pubFile, publicPem, 0o644);
    } catch (error) {
      // A key mounted read-only (a Kubernetes secret) must not stop the gateway: the public key
      // is derived from the private one and can be exported later. A fresh key sits in a
      // directory we just wrote to, so failing there is a real problem.
      if (created) throw new UserError('RAMPART_E_CONFIG_INVALID', `Cannot write audit public key ${pubFile}: ${(error as Error).message}`, { cause: error });
    }
  } else if (keyIdOfPublicPem(existingPub) !== keyId) {
    throw new UserError(
      'RAMPART_E_CONFIG_INVALID',
      `The audit public key ${pubFile} does not belong to the signing key ${file} (key id ${keyId}). ` +
        'Restore the matching pair, or delete the .pub file to have it written again from the private key.',
    );
  }
  return { privateKey, publicKey, keyId, created };
}

/**
 * Loads an audit verification key: an Ed25519 public key PEM (or the private key PEM, whose
 * public half is used).
 *
 * @example
 * const report = await verifyAuditLog(store, loadAuditPublicKey('data/audit-signing.key.pub'));
 */
export function loadAuditPublicKey(file: string): KeyObject {
  const pem = readIfExists(file);
  if (pem === undefined) throw new UserError('RAMPART_E_CONFIG_NOT_FOUND', `Audit public key file ${file} does not exist.`);
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new UserError('RAMPART_E_CONFIG_INVALID', `${file} is not a PEM public key.`, { cause: error });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new UserError('RAMPART_E_CONFIG_INVALID', `${file} holds a ${key.asymmetricKeyType ?? 'unknown'} key; audit keys are Ed25519.`);
  }
  return key;
}

function parsePrivateKey(pem: string, file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new UserError('RAMPART_E_CONFIG_INVALID', `Audit signing key ${file} is not a PEM private key.`, { cause: error });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new UserError(
      'RAMPART_E_CONFIG_INVALID',
      `Audit signing key ${file} is a ${key.asymmetricKeyType ?? 'unknown'} key; audit checkpoints are signed with Ed25519.`,
    );
  }
  return key;
}

function keyIdOfPublicPem(pem: string): string | undefined {
  try {
    return auditKeyId(createPublicKey(pem));
  } catch {
    return undefined;
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError('RAMPART_E_CONFIG_INVALID', `Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes `content` durably to a fresh temporary file beside `file` and returns its path. */
function writeTemp(file: string, content: string, mode: number): string {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  // `wx` refuses an existing path (or a planted symlink); the mode applies from creation, so the
  // secret is never readable by others, not even briefly.
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Creates `file` only if it does not exist; false when another process created it first. */
function createExclusive(file: string, content: string, mode: number): boolean {
  const temp = writeTemp(file, content, mode);
  try {
    // link(2) fails with EEXIST instead of replacing, which makes "create if absent" atomic.
    linkSync(temp, file);
    syncDirectory(dirname(file));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Some filesystems (SMB, some FUSE mounts) have no hard links: fall back to an exclusive
    // create, still refusing to replace an existing key.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createDirect(file, content, mode);
    throw new UserError('RAMPART_E_CONFIG_INVALID', `Cannot create audit signing key ${file}: ${(error as Error).message}`, { cause: error });
  } finally {
    rmSync(temp, { force: true });
  }
}

function createDirect(file: string, content: string, mode: number): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new UserError('RAMPART_E_CONFIG_INVALID', `Cannot create audit signing key ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function writeAtomic(file: string, content: string, mode: number): void {
  const temp = writeTemp(file, content, mode);
  try {
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(dirname(file));
}

/** Makes a new directory entry survive power loss (POSIX); not supported everywhere, so best effort. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows and some filesystems cannot fsync a directory; the file itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
