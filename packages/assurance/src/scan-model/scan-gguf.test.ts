import { describe, expect, it } from 'vitest';
import { bufferSource } from './byte-source.js';
import { chatTemplateFindings } from './chat-template-findings.js';
import { DEFAULT_LIMITS } from './scan-limits.js';
import { scanGgufSource } from './scan-gguf.js';

const ctx = { limits: DEFAULT_LIMITS, filePath: 'x.gguf', root: '.' };
const u32 = (n: number) => Buffer.from(Uint32Array.of(n).buffer);
const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
const str = (s: string, wide = true) => Buffer.concat([wide ? u64(s.length) : u32(s.length), Buffer.from(s)]);

function gguf(parts: { version?: number; kvs?: Buffer[]; tensors?: Buffer[]; data?: number }): Buffer {
  const version = parts.version ?? 3;
  const count = (n: number) => (version === 1 ? u32(n) : u64(n));
  const head = Buffer.concat([Buffer.from('GGUF'), u32(version), count(parts.tensors?.length ?? 0), count(parts.kvs?.length ?? 0), ...(parts.kvs ?? []), ...(parts.tensors ?? [])]);
  const padded = Math.ceil(head.length / 32) * 32;
  return Buffer.concat([head, Buffer.alloc(padded - head.length + (parts.data ?? 0))]);
}
const tensor = (name: string, dims: number[], type: number, offset: number) => Buffer.concat([str(name), u32(dims.length), ...dims.map(u64), u32(type), u64(offset)]);
const rules = (bytes: Buffer) => scanGgufSource(bufferSource(bytes), ctx).findings.map((f) => `${f.severity}: ${f.message}`);

describe('scanGgufSource', () => {
  it('reads version 1 files (32-bit counts and lengths)', () => {
    const kv = Buffer.concat([str('general.name', false), u32(8), str('x', false)]);
    expect(scanGgufSource(bufferSource(gguf({ version: 1, kvs: [kv] })), ctx)).toEqual({ format: 'gguf', parsed: true, findings: [] });
  });

  it('reports duplicate names, overlapping data, misalignment and a bad alignment key', () => {
    const alignment = Buffer.concat([str('general.alignment'), u32(4), u32(24)]);
    const tensors = [tensor('a', [8], 0, 0), tensor('a', [8], 0, 16), tensor('b', [4], 0, 3)];
    expect(rules(gguf({ kvs: [alignment], tensors, data: 64 }))).toEqual([
      'medium: general.alignment 24 is not a power of two',
      "medium: tensor 'a' offset 16 is not aligned to 32",
      "medium: tensor name 'a' appears twice",
      "medium: tensor 'b' offset 3 is not aligned to 32",
      "high: tensors 'a' and 'b' overlap",
      "high: tensors 'a' and 'a' overlap",
    ]);
  });

  it('stops on an unknown metadata type with a parse error', () => {
    const kv = Buffer.concat([str('k'), u32(42), u32(0)]);
    const result = scanGgufSource(bufferSource(gguf({ kvs: [kv] })), ctx);
    expect(result.parsed).toBe(false);
    expect(result.findings[0]?.message).toMatch(/unknown metadata value type 42/);
  });
});

describe('chatTemplateFindings', () => {
  it('passes ordinary chat templates and flags ones that reach Python', () => {
    expect(chatTemplateFindings("{% if message['role'] == 'system' %}{{ message['content'] | trim }}{% endif %}", 0)).toEqual([]);
    expect(chatTemplateFindings("{{ cycler.__init__.__globals__.os.popen('id').read() }}", 0)[0]?.severity).toBe('high');
    expect(chatTemplateFindings("{{ x|attr('\\x5f\\x5fclass\\x5f\\x5f') }}", 0)).toHaveLength(1);
  });
});
