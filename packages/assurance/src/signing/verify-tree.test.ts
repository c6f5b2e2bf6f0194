import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dssePae } from './dsse-pae.js';
import { buildStatement, IN_TOTO_PAYLOAD_TYPE } from './in-toto-statement.js';
import { signTree } from './sign-tree.js';
import { generateSigningKeyPair, parsePrivateKey, signBytes } from './signing-key.js';
import type { SigstoreBundle } from './sigstore-bundle.js';
import { verifyTree } from './verify-tree.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, Buffer | string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rampart-sign-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const MODEL = { 'config.json': '{"layers":2}', 'tokenizer.json': '{"vocab":[]}', 'weights/model-00001.safetensors': randomBytes(20_000), 'weights/model-00002.safetensors': randomBytes(9_000) };
const ED = generateSigningKeyPair('ed25519');
const EC = generateSigningKeyPair('p256');

/** Re-signs an arbitrary payload with a key: what an attacker holding *some* key can produce. */
function envelopeWith(bundle: SigstoreBundle, change: { payload?: Buffer; sig?: Buffer; payloadType?: string }): SigstoreBundle {
  const env = bundle.dsseEnvelope;
  return {
    ...bundle,
    dsseEnvelope: {
      payload: change.payload?.toString('base64') ?? env.payload,
      payloadType: change.payloadType ?? env.payloadType,
      signatures: [{ sig: change.sig?.toString('base64') ?? env.signatures[0]?.sig ?? '', keyid: '' }],
    },
  };
}

function decodePayload(bundle: SigstoreBundle): any {
  return JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
}

describe('signTree / verifyTree round trip', () => {
  it.each([
    ['ed25519', ED],
    ['p256', EC],
  ] as const)('%s: a signed tree verifies unchanged', async (_alg, pair) => {
    const root = tree(MODEL);
    const signed = await signTree({ root, privateKey: pair.privateKeyPem });
    expect(signed.bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(signed.bundle.verificationMaterial.publicKey.hint).toBe(pair.keyHint);
    const statement = decodePayload(signed.bundle);
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.predicateType).toBe('https://model_signing/signature/v1.0');
    expect(statement.subject[0].digest.sha256).toBe(signed.rootDigest);
    expect(statement.predicate.resources.map((r: any) => r.name)).toEqual(['config.json', 'tokenizer.json', 'weights/model-00001.safetensors', 'weights/model-00002.safetensors']);

    const result = await verifyTree({ root, bundle: JSON.stringify(signed.bundle), publicKey: pair.publicKeyPem });
    expect(result).toMatchObject({ ok: true, signatureValid: true, filesChecked: 4, differences: [] });
    expect(result.signed?.rootDigest).toBe(signed.rootDigest);
  });

  it('names a file with one flipped byte as modified', async () => {
    const root = tree(MODEL);
    const { bundle } = await signTree({ root, privateKey: ED.privateKeyPem });
    const file = join(root, 'weights/model-00001.safetensors');
    const bytes = readFileSync(file);
    bytes[12_345] = (bytes[12_345] ?? 0) ^ 0x01;
    writeFileSync(file, bytes);
    const result = await verifyTree({ root, bundle, publicKey: ED.publicKeyPem });
    expect(result.ok).toBe(false);
    expect(result.signatureValid).toBe(true);
    expect(result.differences).toEqual([{ kind: 'modified', path: 'weights/model-00001.safetensors' }]);
  });

  it('names added, removed and renamed files', async () => {
    const root = tree(MODEL);
    const { bundle } = await signTree({ root, privateKey: EC.privateKeyPem });
    writeFileSync(join(root, 'weights/backdoor.pkl'), 'cos\nsystem\n');
    unlinkSync(join(root, 'tokenizer.json'));
    renameSync(join(root, 'weights/model-00002.safetensors'), join(root, 'weights/model-00003.safetensors'));
    const result = await verifyTree({ root, bundle, publicKey: EC.publicKeyPem });
    expect(result.differences).toEqual([
      { kind: 'removed', path: 'tokenizer.json' },
      { kind: 'added', path: 'weights/backdoor.pkl' },
      { kind: 'renamed', path: 'weights/model-00003.safetensors', from: 'weights/model-00002.safetensors' },
    ]);
  });

  it('an empty file that disappears is still noticed', async () => {
    const root = tree({ ...MODEL, 'README': '' });
    const { bundle } = await signTree({ root, privateKey: ED.privateKeyPem });
    unlinkSync(join(root, 'README'));
    expect((await verifyTree({ root, bundle, publicKey: ED.publicKeyPem })).differences).toEqual([{ kind: 'removed', path: 'README' }]);
  });

  it('sharded trees: a change in one shard names its file once', async () => {
    const root = tree(MODEL);
    const signed = await signTree({ root, privateKey: ED.privateKeyPem, shardSize: 4096, workers: 2 });
    expect(signed.manifest.serialization).toMatchObject({ method: 'shards', shard_size: 4096 });
    expect(signed.manifest.resources.filter((r) => r.name.startsWith('weights/model-00001.safetensors:'))).toHaveLength(5);
    expect((await verifyTree({ root, bundle: signed.bundle, publicKey: ED.publicKeyPem, workers: 2 })).ok).toBe(true);
    appendFileSync(join(root, 'weights/model-00001.safetensors'), 'x');
    const result = await verifyTree({ root, bundle: signed.bundle, publicKey: ED.publicKeyPem });
    expect(result.differences).toEqual([{ kind: 'modified', path: 'weights/model-00001.safetensors' }]);
  });

  it('odd Unicode names round-trip through sign and verify', async () => {
    const root = tree({ 'caf\u00e9.txt': '1', 'cafe\u0301.txt': '2', 'new\nline': '3', '\u{1f600}/\u202egnp.exe': '4', 'a:1:2': '5' });
    const { bundle } = await signTree({ root, privateKey: ED.privateKeyPem, shardSize: 4096, method: 'shards' });
    expect((await verifyTree({ root, bundle, publicKey: ED.publicKeyPem })).ok).toBe(true);
    writeFileSync(join(root, 'cafe\u0301.txt'), 'changed');
    expect((await verifyTree({ root, bundle, publicKey: ED.publicKeyPem })).differences).toEqual([{ kind: 'modified', path: 'cafe\u0301.txt' }]);
  });

  it('leaves the signature file out when it sits inside the tree, and records it in ignore_paths', async () => {
    const root = tree(MODEL);
    const sigFile = join(root, 'model.sig');
    writeFileSync(sigFile, 'old signature');
    const signed = await signTree({ root, privateKey: ED.privateKeyPem, signatureFile: sigFile });
    expect(signed.manifest.serialization.ignore_paths).toContain('model.sig');
    writeFileSync(sigFile, JSON.stringify(signed.bundle));
    expect((await verifyTree({ root, bundle: readFileSync(sigFile, 'utf8'), publicKey: ED.publicKeyPem, signatureFile: sigFile })).ok).toBe(true);
  });
});

describe('verifyTree refuses forged and tampered envelopes', () => {
  it('a bundle signed by another key (with its hint) is refused before any file is read', async () => {
    const root = tree(MODEL);
    const mallory = generateSigningKeyPair('ed25519');
    const { bundle } = await signTree({ root, privateKey: mallory.privateKeyPem });
    const result = await verifyTree({ root, bundle, publicKey: ED.publicKeyPem });
    expect(result).toMatchObject({ ok: false, signatureValid: false, filesChecked: 0 });
    expect(result.signatureError).toMatch(/different signing key/);
  });

  it('a forged bundle carrying the victim key hint is still refused', async () => {
    const root = tree(MODEL);
    const mallory = generateSigningKeyPair('p256');
    const { bundle } = await signTree({ root, privateKey: mallory.privateKeyPem });
    const forged = { ...bundle, verificationMaterial: { publicKey: { hint: EC.keyHint }, tlogEntries: [] as [] } };
    const result = await verifyTree({ root, bundle: forged, publicKey: EC.publicKeyPem });
    expect(result.signatureValid).toBe(false);
    expect(result.signatureError).toMatch(/altered, or it was signed by another key/);
  });

  it('an edited payload (digest updated to match a tampered file) breaks the signature', async () => {
    const root = tree(MODEL);
    const signed = await signTree({ root, privateKey: ED.privateKeyPem });
    writeFileSync(join(root, 'config.json'), '{"layers":3}');
    const evil = await signTree({ root, privateKey: generateSigningKeyPair('ed25519').privateKeyPem });
    const swapped = envelopeWith(signed.bundle, { payload: Buffer.from(evil.bundle.dsseEnvelope.payload, 'base64') });
    const result = await verifyTree({ root, bundle: swapped, publicKey: ED.publicKeyPem });
    expect(result.signatureValid).toBe(false);
  });

  it('a valid signature from another manifest by the same key does not cover this payload', async () => {
    const a = tree(MODEL);
    const b = tree({ 'other.bin': 'other model' });
    const signedA = await signTree({ root: a, privateKey: ED.privateKeyPem });
    const signedB = await signTree({ root: b, privateKey: ED.privateKeyPem });
    // B's genuine signature grafted onto A's payload.
    const grafted = envelopeWith(signedA.bundle, { sig: Buffer.from(signedB.bundle.dsseEnvelope.signatures[0]?.sig ?? '', 'base64') });
    expect((await verifyTree({ root: a, bundle: grafted, publicKey: ED.publicKeyPem })).signatureValid).toBe(false);
    // B's whole genuine bundle replayed against A: the signature is fine, the files are not.
    const replay = await verifyTree({ root: a, bundle: signedB.bundle, publicKey: ED.publicKeyPem });
    expect(replay.signatureValid).toBe(true);
    expect(replay.ok).toBe(false);
    expect(replay.differences).toContainEqual({ kind: 'removed', path: 'other.bin' });
  });

  it('a changed payloadType breaks the signature (PAE binds it)', async () => {
    const root = tree(MODEL);
    const { bundle } = await signTree({ root, privateKey: ED.privateKeyPem });
    const result = await verifyTree({ root, bundle: envelopeWith(bundle, { payloadType: 'application/json' }), publicKey: ED.publicKeyPem });
    expect(result.signatureValid).toBe(false);
  });

  it('a statement signed by the trusted key but with an inconsistent subject digest is rejected', async () => {
    const root = tree(MODEL);
    const signed = await signTree({ root, privateKey: ED.privateKeyPem });
    const statement = decodePayload(signed.bundle);
    statement.predicate.resources.pop(); // drop a file but keep the old subject digest
    const payload = Buffer.from(JSON.stringify(statement));
    const sig = signBytes(parsePrivateKey(ED.privateKeyPem), dssePae(IN_TOTO_PAYLOAD_TYPE, payload));
    await expect(verifyTree({ root, bundle: envelopeWith(signed.bundle, { payload, sig }), publicKey: ED.publicKeyPem })).rejects.toThrow(/manifest is inconsistent/);
  });

  it("a signed manifest naming '../' paths is rejected as malformed, and nothing outside is opened", async () => {
    const root = tree(MODEL);
    const manifest = { modelName: 'm', serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: [] } as const, resources: [{ name: '../../etc/passwd', algorithm: 'sha256', digest: 'a'.repeat(64) } as const], files: [], bytes: 0, unsafe: [] };
    const payload = Buffer.from(JSON.stringify(buildStatement(manifest)));
    const sig = signBytes(parsePrivateKey(ED.privateKeyPem), dssePae(IN_TOTO_PAYLOAD_TYPE, payload));
    const { bundle } = await signTree({ root, privateKey: ED.privateKeyPem });
    await expect(verifyTree({ root, bundle: envelopeWith(bundle, { payload, sig }), publicKey: ED.publicKeyPem })).rejects.toThrow(/contains a '\.\.' component/);
  });

  it('malformed bundles are refused with the offending field', async () => {
    const root = tree(MODEL);
    await expect(verifyTree({ root, bundle: '{"mediaType": ', publicKey: ED.publicKeyPem })).rejects.toThrow(/signature bundle: not JSON/);
    await expect(verifyTree({ root, bundle: { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }, publicKey: ED.publicKeyPem })).rejects.toThrow(/dsseEnvelope must be an object/);
    const { bundle } = await signTree({ root, privateKey: ED.privateKeyPem });
    const bad = { ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope, payload: 'not base64!' } };
    await expect(verifyTree({ root, bundle: bad, publicKey: ED.publicKeyPem })).rejects.toThrow(/dsseEnvelope.payload must be base64/);
  });

  it('accepts URL-safe base64 (DSSE verifiers must)', async () => {
    const root = tree(MODEL);
    const { bundle } = await signTree({ root, privateKey: EC.privateKeyPem });
    const env = bundle.dsseEnvelope;
    const urlSafe = {
      ...bundle,
      dsseEnvelope: { ...env, payload: Buffer.from(env.payload, 'base64').toString('base64url'), signatures: env.signatures.map((s) => ({ ...s, sig: Buffer.from(s.sig, 'base64').toString('base64url') })) },
    };
    expect((await verifyTree({ root, bundle: urlSafe, publicKey: EC.publicKeyPem })).ok).toBe(true);
  });
});

describe('path tricks', () => {
  it('signing refuses a tree with a symbolic link that leaves it', async () => {
    const root = tree(MODEL);
    symlinkSync('/etc/passwd', join(root, 'weights/extra.bin'));
    await expect(signTree({ root, privateKey: ED.privateKeyPem })).rejects.toThrow(/refusing to hash a tree with 1 unsafe entry/);
  });

  it('a signed file replaced by a symbolic link is reported as unsafe, not followed', async () => {
    const root = tree(MODEL);
    const { bundle } = await signTree({ root, privateKey: ED.privateKeyPem });
    unlinkSync(join(root, 'config.json'));
    symlinkSync('/etc/hostname', join(root, 'config.json'));
    const result = await verifyTree({ root, bundle, publicKey: ED.publicKeyPem });
    expect(result.differences).toEqual([{ kind: 'unsafe', path: 'config.json', reason: expect.stringMatching(/outside the tree/) }]);
  });

  it('refuses to sign an empty tree', async () => {
    const root = tree({ '.git/HEAD': 'x' });
    await expect(signTree({ root, privateKey: ED.privateKeyPem })).rejects.toThrow(/no regular files to sign/);
  });

  it('refuses to write the signature over the single file being signed', async () => {
    const root = tree({ 'train.jsonl': '{"text":"a"}\n' });
    const file = join(root, 'train.jsonl');
    await expect(signTree({ root: file, privateKey: ED.privateKeyPem, signatureFile: file })).rejects.toThrow(/cannot be the file being signed/);
  });

  it('verifies a single-file dataset', async () => {
    const root = tree({ 'train.jsonl': '{"text":"a"}\n' });
    const file = join(root, 'train.jsonl');
    const { bundle } = await signTree({ root: file, privateKey: ED.privateKeyPem });
    expect((await verifyTree({ root: file, bundle, publicKey: ED.publicKeyPem })).ok).toBe(true);
    appendFileSync(file, '{"text":"poison"}\n');
    expect((await verifyTree({ root: file, bundle, publicKey: ED.publicKeyPem })).differences).toEqual([{ kind: 'modified', path: 'train.jsonl' }]);
  });
});
