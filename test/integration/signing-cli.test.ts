import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/run-cli-in-process.js';

/**
 * `rampart keygen`, `sign` and `verify` end to end, through the real command tree: exit codes,
 * messages naming each changed file, and the attacks a model supply chain sees (tampered weights,
 * a planted file, a forged or grafted signature, a symlink out of the tree).
 */
describe('rampart keygen / sign / verify', () => {
  let work: string;
  let keys: string;
  let n = 0;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'rampart-signing-cli-'));
    keys = join(work, 'keys');
    expect((await runCliInProcess(['keygen', '--out', keys])).code).toBe(0);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function model(): string {
    n += 1;
    const dir = join(work, `model-${n}`);
    mkdirSync(join(dir, 'weights'), { recursive: true });
    writeFileSync(join(dir, 'config.json'), '{"hidden_size":64}');
    writeFileSync(join(dir, 'weights/model.safetensors'), randomBytes(50_000));
    writeFileSync(join(dir, 'tokenizer.json'), '{"vocab":{}}');
    return dir;
  }

  async function signed(dir: string, sig = join(work, `model-${n}.sig`)) {
    const result = await runCliInProcess(['sign', dir, '--key', join(keys, 'signing.key'), '--out', sig]);
    expect(result.code, result.stderr).toBe(0);
    return sig;
  }

  const verify = (dir: string, sig: string, ...extra: string[]) => runCliInProcess(['verify', dir, '--sig', sig, '--pub', join(keys, 'signing.pub'), ...extra]);

  it('keygen writes a PEM pair with a private key only its owner can read', async () => {
    const key = readFileSync(join(keys, 'signing.key'), 'utf8');
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readFileSync(join(keys, 'signing.pub'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(statSync(join(keys, 'signing.key')).mode & 0o777).toBe(0o600);
  });

  it('keygen refuses to overwrite a key unless --force', async () => {
    const before = readFileSync(join(keys, 'signing.key'), 'utf8');
    const again = await runCliInProcess(['keygen', '--out', keys]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/signing.key already exists; refusing to overwrite a key \(use --force/);
    expect(readFileSync(join(keys, 'signing.key'), 'utf8')).toBe(before);
    const other = join(work, 'keys-forced');
    expect((await runCliInProcess(['keygen', '--out', other, '--alg', 'p256'])).code).toBe(0);
    const forced = await runCliInProcess(['keygen', '--out', other, '--alg', 'p256', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/key hint: [0-9a-f]{64}/);
    expect((await runCliInProcess(['keygen', '--out', other, '--alg', 'rsa'])).code).toBe(2);
  });

  it('sign then verify: exit 0 and a one-line confirmation', async () => {
    const dir = model();
    const sig = await signed(dir);
    const bundle = JSON.parse(readFileSync(sig, 'utf8')) as { mediaType: string; dsseEnvelope: { payloadType: string } };
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.dsseEnvelope.payloadType).toBe('application/vnd.in-toto+json');
    const result = await verify(dir, sig);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^verified: 3 files of model-\d+ match the signed manifest \(sha256:[0-9a-f]{64}/);
  });

  it('verify exits 1 and names every modified, added, removed and renamed file', async () => {
    const dir = model();
    const sig = await signed(dir);
    const weights = join(dir, 'weights/model.safetensors');
    const bytes = readFileSync(weights);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
    writeFileSync(weights, bytes);
    writeFileSync(join(dir, 'weights/extra.pkl'), 'payload');
    unlinkSync(join(dir, 'tokenizer.json'));
    renameSync(join(dir, 'config.json'), join(dir, 'config.old.json'));
    const result = await verify(dir, sig);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('does NOT match the signed manifest: 4 differences (signature valid');
    expect(result.stderr).toMatch(/renamed +config\.json -> config\.old\.json/);
    expect(result.stderr).toMatch(/removed +tokenizer\.json/);
    expect(result.stderr).toMatch(/added +weights\/extra\.pkl/);
    expect(result.stderr).toMatch(/modified +weights\/model\.safetensors/);
  });

  it('verify --json prints the structured result', async () => {
    const dir = model();
    const sig = await signed(dir);
    writeFileSync(join(dir, 'config.json'), '{"hidden_size":65}');
    const result = await verify(dir, sig, '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; signatureValid: boolean; differences: unknown[] };
    expect(report).toMatchObject({ ok: false, signatureValid: true, differences: [{ kind: 'modified', path: 'config.json' }] });
  });

  it('sign --json reports what was signed', async () => {
    const dir = model();
    const result = await runCliInProcess(['sign', dir, '--key', join(keys, 'signing.key'), '--out', join(dir, 'model.sig'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { files: number; method: string; ignorePaths: string[]; rootDigest: string };
    expect(summary).toMatchObject({ files: 3, method: 'files' });
    expect(summary.ignorePaths).toContain('model.sig');
    // The bundle inside the tree is not an "added" file when verifying.
    expect((await verify(dir, join(dir, 'model.sig'))).code).toBe(0);
  });

  it('verify exits 1 on a bundle signed by another key, before reading files', async () => {
    const dir = model();
    const otherKeys = join(work, 'mallory');
    await runCliInProcess(['keygen', '--out', otherKeys]);
    const sig = join(work, 'mallory.sig');
    expect((await runCliInProcess(['sign', dir, '--key', join(otherKeys, 'signing.key'), '--out', sig])).code).toBe(0);
    const result = await verify(dir, sig);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^signature INVALID: the bundle names a different signing key/);
  });

  it('verify exits 1 on a payload edited to match tampered weights', async () => {
    const dir = model();
    const sig = await signed(dir);
    const bundle = JSON.parse(readFileSync(sig, 'utf8')) as { dsseEnvelope: { payload: string } };
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString()) as { predicate: { resources: Array<{ digest: string }> } };
    const first = statement.predicate.resources[0];
    if (first !== undefined) first.digest = '0'.repeat(64);
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    writeFileSync(sig, JSON.stringify(bundle));
    const result = await verify(dir, sig);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/signature INVALID: no signature in the envelope verifies/);
  });

  it('exit 2 for unreadable or malformed input, with a message naming it', async () => {
    const dir = model();
    const garbage = join(work, 'garbage.sig');
    writeFileSync(garbage, '{"mediaType":');
    const malformed = await verify(dir, garbage);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/signature bundle: not JSON/);
    const missing = await verify(dir, join(work, 'nope.sig'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--sig .*nope\.sig: no such file/);
    const sig = await signed(dir);
    const wrongPub = await runCliInProcess(['verify', dir, '--sig', sig, '--pub', join(keys, 'signing.key')]);
    expect(wrongPub.code).toBe(2);
    expect(wrongPub.stderr).toMatch(/this is a private key/);
    const noTree = await verify(join(work, 'no-such-model'), sig);
    expect(noTree.code).toBe(2);
    expect(noTree.stderr).toMatch(/no-such-model: no such file or directory/);
  });

  it('sign refuses a symlink leaving the tree, and a private key stored inside the tree', async () => {
    const dir = model();
    symlinkSync('/etc/passwd', join(dir, 'weights/escape.bin'));
    const escaped = await runCliInProcess(['sign', dir, '--key', join(keys, 'signing.key'), '--out', join(work, 'x.sig')]);
    expect(escaped.code).toBe(2);
    expect(escaped.stderr).toMatch(/refusing to hash a tree with 1 unsafe entry/);
    expect(escaped.stderr).toMatch(/"weights\/escape\.bin": symbolic link pointing outside the tree/);
    unlinkSync(join(dir, 'weights/escape.bin'));
    writeFileSync(join(dir, 'signing.key'), readFileSync(join(keys, 'signing.key')), { mode: 0o600 });
    const keyInside = await runCliInProcess(['sign', dir, '--key', join(dir, 'signing.key'), '--out', join(work, 'x.sig')]);
    expect(keyInside.code).toBe(2);
    expect(keyInside.stderr).toMatch(/lies inside .*the tree being signed/);
  });

  it('sign never overwrites something that is not a signature bundle (the key, a weight file)', async () => {
    const dir = model();
    const key = join(keys, 'signing.key');
    const before = readFileSync(key, 'utf8');
    const overKey = await runCliInProcess(['sign', dir, '--key', key, '--out', key]);
    expect(overKey.code).toBe(2);
    expect(overKey.stderr).toMatch(/exists and is not a signature bundle; refusing to overwrite it/);
    expect(readFileSync(key, 'utf8')).toBe(before);
    const weights = join(dir, 'weights/model.safetensors');
    const bytes = readFileSync(weights);
    expect((await runCliInProcess(['sign', dir, '--key', key, '--out', weights])).code).toBe(2);
    expect(readFileSync(weights).equals(bytes)).toBe(true);
    // Re-signing over an earlier bundle is fine.
    const sig = await signed(dir);
    expect((await runCliInProcess(['sign', dir, '--key', key, '--out', sig])).code).toBe(0);
  });

  it('file names cannot forge report lines', async () => {
    const dir = model();
    const sig = await signed(dir);
    writeFileSync(join(dir, 'x\nverified: all good'), 'planted');
    const result = await verify(dir, sig);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('added    "x\\u{a}verified: all good"');
    expect(result.stderr.split('\n').some((line) => line.startsWith('verified'))).toBe(false);
  });

  it('p256 keys work end to end', async () => {
    const dir = model();
    const p256 = join(work, 'keys-p256');
    expect((await runCliInProcess(['keygen', '--out', p256, '--alg', 'p256'])).code).toBe(0);
    const sig = join(work, 'p256.sig');
    expect((await runCliInProcess(['sign', dir, '--key', join(p256, 'signing.key'), '--out', sig])).code).toBe(0);
    expect((await runCliInProcess(['verify', dir, '--sig', sig, '--pub', join(p256, 'signing.pub')])).code).toBe(0);
    // The Ed25519 public key must not accept a P-256 signature.
    expect((await verify(dir, sig)).code).toBe(1);
  });
});
