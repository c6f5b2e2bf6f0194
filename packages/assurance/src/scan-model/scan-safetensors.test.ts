import { describe, expect, it } from 'vitest';
import { bufferSource } from './byte-source.js';
import { findDuplicateKeys } from './json-duplicate-keys.js';
import { DEFAULT_LIMITS } from './scan-limits.js';
import { scanSafetensorsSource } from './scan-safetensors.js';

const ctx = { limits: DEFAULT_LIMITS, filePath: 'x.safetensors', root: '.' };

function file(header: string, data: Buffer): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([length, Buffer.from(header), data]);
}

const rules = (bytes: Buffer) => scanSafetensorsSource(bufferSource(bytes), ctx).findings.map((f) => f.rule);

describe('scanSafetensorsSource', () => {
  it('accepts zero-length tensors, sub-byte dtypes and a space-padded header', () => {
    const header = '{"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"q":{"dtype":"F4","shape":[2,3],"data_offsets":[0,3]}}   ';
    const result = scanSafetensorsSource(bufferSource(file(header, Buffer.alloc(3))), ctx);
    expect(result).toEqual({ format: 'safetensors', parsed: true, findings: [] });
  });

  it('reports a hole before the first tensor and trailing bytes', () => {
    expect(rules(file('{"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}', Buffer.alloc(6)))).toEqual(['safetensors-hole', 'safetensors-hole']);
  });

  it('reports malformed entries without giving up on the others', () => {
    const header = '{"a":5,"b":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]},"c":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}';
    expect(rules(file(header, Buffer.alloc(4)))).toEqual(['safetensors-header-invalid', 'safetensors-header-invalid', 'safetensors-header-invalid']);
  });

  it('rejects a header that is not UTF-8 or runs past the file', () => {
    const bad = file('{"a":"\xff"}', Buffer.alloc(0));
    bad[14] = 0xff;
    expect(scanSafetensorsSource(bufferSource(bad), ctx).parsed).toBe(false);
    const short = Buffer.alloc(12);
    short.writeBigUInt64LE(100n);
    expect(scanSafetensorsSource(bufferSource(short), ctx).findings[0]?.message).toMatch(/runs past the end/);
  });
});

describe('findDuplicateKeys', () => {
  it('finds repeated keys at any depth, with their path', () => {
    expect(findDuplicateKeys('{"a":{"x":1,"x":2},"b":[{"y":1,"y":2}],"a":3}')).toEqual(['a.x', 'b.[].y', 'a']);
    expect(findDuplicateKeys('{"a":"\\"a\\"","b":{"a":1}}')).toEqual([]);
  });
});
