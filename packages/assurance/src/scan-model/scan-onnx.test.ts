import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileSource } from './byte-source.js';
import { protoFields } from './protobuf-reader.js';
import { bufferSource } from './byte-source.js';
import { DEFAULT_LIMITS } from './scan-limits.js';
import { scanOnnxSource } from './scan-onnx.js';

const fixture = (name: string) => new URL(`./fixtures/onnx/${name}`, import.meta.url).pathname;

function scanAt(path: string) {
  const source = openFileSource(path);
  try {
    return scanOnnxSource(source, { limits: DEFAULT_LIMITS, filePath: path, root: '.' });
  } finally {
    source.close();
  }
}

describe('scanOnnxSource external data', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-onnx-'));
    writeFileSync(join(dir, 'secret.bin'), Buffer.alloc(8));
    mkdirSync(join(dir, 'model'));
    copyFileSync(fixture('external-ok.onnx'), join(dir, 'model', 'model.onnx'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a data file inside the model folder', () => {
    writeFileSync(join(dir, 'model', 'weights.bin'), Buffer.alloc(8));
    expect(scanAt(join(dir, 'model', 'model.onnx')).findings).toEqual([]);
  });

  it('reports a data file shorter than offset + length', () => {
    writeFileSync(join(dir, 'model', 'weights.bin'), Buffer.alloc(4));
    expect(scanAt(join(dir, 'model', 'model.onnx')).findings).toEqual([expect.objectContaining({ rule: 'onnx-external-data-missing', message: expect.stringContaining('shorter') })]);
  });

  it('reports a data file that is a symlink out of the model folder', () => {
    rmSync(join(dir, 'model', 'weights.bin'));
    symlinkSync(join(dir, 'secret.bin'), join(dir, 'model', 'weights.bin'));
    expect(scanAt(join(dir, 'model', 'model.onnx')).findings).toEqual([expect.objectContaining({ rule: 'onnx-external-data-escape', severity: 'high', message: expect.stringContaining('symbolic link') })]);
  });
});

describe('protoFields', () => {
  it('locates fields without reading length-delimited values, and rejects malformed input', () => {
    const bytes = Buffer.from([0x08, 0x96, 0x01, 0x12, 0x03, 0x61, 0x62, 0x63, 0x1d, 1, 2, 3, 4]);
    const fields = [...protoFields(bufferSource(bytes), { start: 0, end: bytes.length })];
    expect(fields.map((f) => [f.field, f.wire, f.varint, f.start, f.length])).toEqual([
      [1, 0, 150n, 0, 0],
      [2, 2, 0n, 5, 3],
      [3, 5, 0n, 9, 4],
    ]);
    expect(() => [...protoFields(bufferSource(Buffer.from([0x12, 0x05, 0x61])), { start: 0, end: 3 })]).toThrow(/runs past/);
    expect(() => [...protoFields(bufferSource(Buffer.from([0x0b])), { start: 0, end: 1 })]).toThrow(/wire type 3/);
    expect(() => [...protoFields(bufferSource(Buffer.alloc(12, 0xff)), { start: 0, end: 12 })]).toThrow(/varint/);
  });
});
