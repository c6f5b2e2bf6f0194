import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dssePae } from './dsse-pae.js';
import { verifyBytes } from './signing-key.js';

// Known vectors. The first is the worked example in the DSSE protocol spec (protocol.md, "Test
// Vectors"): ECDSA P-256/SHA-256, RFC 6979 deterministic, raw r||s signature. The Ed25519 ones use
// RFC 8032 test key 1 and follow the DSSE repository's testvectors/vectors.json.
const SPEC_EXAMPLE = {
  payloadType: 'http://example.com/HelloWorld',
  payload: 'hello world',
  pae: 'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
  x: '46950820868899156662930047687818585632848591499744589407958293238635476079160',
  y: '5640078356564379163099075877009565129882514886557779369047442380624545832820',
  sig: 'A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==',
};
const RFC8032_SEED_1 = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const IN_TOTO = 'application/vnd.in-toto+json';

function ed25519FromSeed(seedHex: string) {
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seedHex, 'hex')]);
  return createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
}

const b64url = (decimal: string) => Buffer.from(BigInt(decimal).toString(16).padStart(64, '0'), 'hex').toString('base64url');

describe('dssePae', () => {
  it('encodes the DSSE spec example byte for byte', () => {
    expect(dssePae(SPEC_EXAMPLE.payloadType, Buffer.from(SPEC_EXAMPLE.payload)).toString('utf8')).toBe(SPEC_EXAMPLE.pae);
  });

  it('produces the bytes the spec example signature was made over (P-256, raw r||s)', () => {
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(SPEC_EXAMPLE.x), y: b64url(SPEC_EXAMPLE.y) }, format: 'jwk' });
    const pae = dssePae(SPEC_EXAMPLE.payloadType, Buffer.from(SPEC_EXAMPLE.payload));
    const signature = Buffer.from(SPEC_EXAMPLE.sig, 'base64');
    expect(verify('sha256', pae, { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    // One byte off in the length field and the same signature no longer verifies.
    const wrong = Buffer.from(SPEC_EXAMPLE.pae.replace(' 11 ', ' 12 '));
    expect(verify('sha256', wrong, { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(false);
  });

  it('matches the Ed25519 vector for an in-toto payload', () => {
    const payload = Buffer.from('eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==', 'base64');
    const pae = dssePae(IN_TOTO, payload);
    expect(pae.toString('hex')).toBe(
      '445353457631203238206170706c69636174696f6e2f766e642e696e2d746f746f2b6a736f6e203433207b225f74797065223a2268747470733a2f2f696e2d746f746f2e696f2f53746174656d656e742f7631227d',
    );
    const signature = Buffer.from('2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7AxBZNw5M9ixNHiCA==', 'base64');
    expect(verifyBytes(ed25519FromSeed(RFC8032_SEED_1), { data: pae, signature })).toBe(true);
  });

  it('counts bytes, not characters, in the payload type', () => {
    const pae = dssePae('application/vnd.exämple+json', Buffer.from('{}'));
    expect(pae.subarray(0, 10).toString()).toBe('DSSEv1 29 ');
  });

  it('ends an empty payload with "0 " (trailing space) and keeps binary payloads intact', () => {
    expect(dssePae(IN_TOTO, Buffer.alloc(0)).toString()).toBe('DSSEv1 28 application/vnd.in-toto+json 0 ');
    expect(dssePae(IN_TOTO, Buffer.from([0xfb, 0xff, 0xbf, 0x3e, 0x3f])).toString('hex')).toBe(
      '445353457631203238206170706c69636174696f6e2f766e642e696e2d746f746f2b6a736f6e203520fbffbf3e3f',
    );
  });
});
