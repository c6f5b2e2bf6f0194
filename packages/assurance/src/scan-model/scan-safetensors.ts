import type { ByteSource } from './byte-source.js';
import type { Finding } from './finding.js';
import type { FormatScan, ScanContext } from './format-scan.js';
import { findDuplicateKeys } from './json-duplicate-keys.js';
import { ModelParseError, parseErrorFinding } from './model-parse-error.js';

/** Bits per element of each dtype the safetensors format defines. */
export const SAFETENSORS_DTYPE_BITS: Readonly<Record<string, number>> = {
  BOOL: 8, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6,
  I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, I64: 64, U64: 64, F64: 64, C64: 64,
};

const UTF8 = new TextDecoder('utf-8', { fatal: true });

interface TensorRange {
  readonly name: string;
  readonly begin: number;
  readonly end: number;
}

/**
 * Checks a safetensors file the way the reference loader validates it, and reports each rule
 * broken: an 8-byte little-endian header length (at most 100 MB), a UTF-8 JSON object header,
 * known dtypes, shapes whose element count x dtype size equals the byte range, and byte ranges
 * inside the data section that neither overlap nor leave holes.
 *
 * @example
 * scanSafetensorsSource(source, ctx) // { format: 'safetensors', parsed: true, findings: [] }
 */
export function scanSafetensorsSource(source: ByteSource, ctx: ScanContext): FormatScan {
  const findings: Finding[] = [];
  let header: unknown;
  let headerLength: number;
  let text: string;
  try {
    if (source.size < 8) throw new ModelParseError(`file is ${source.size} bytes, shorter than the 8-byte header length`, 0);
    const declared = source.read(0, 8).readBigUInt64LE(0);
    if (declared > BigInt(ctx.limits.maxSafetensorsHeader)) throw new ModelParseError(`header length ${declared} is over the ${ctx.limits.maxSafetensorsHeader}-byte limit`, 0);
    headerLength = Number(declared);
    if (8 + headerLength > source.size) throw new ModelParseError(`header length ${headerLength} runs past the end of the ${source.size}-byte file`, 0);
    const bytes = source.read(8, headerLength);
    try {
      text = UTF8.decode(bytes);
    } catch {
      throw new ModelParseError('header is not valid UTF-8', 8);
    }
    if (!text.startsWith('{')) throw new ModelParseError("header does not start with '{'", 8);
    try {
      header = JSON.parse(text);
    } catch (thrown) {
      throw new ModelParseError(`header is not valid JSON: ${(thrown as Error).message}`, 8);
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new ModelParseError('header is not a JSON object', 8);
  } catch (thrown) {
    if (!(thrown instanceof ModelParseError)) throw thrown;
    return { format: 'safetensors', parsed: false, findings: [parseErrorFinding(thrown, 'safetensors header')] };
  }
  for (const key of findDuplicateKeys(text)) {
    findings.push({ severity: 'high', rule: 'safetensors-duplicate-key', message: `header key '${key}' appears more than once`, offset: 8 });
  }
  const dataStart = 8 + headerLength;
  const dataSize = source.size - dataStart;
  const ranges: TensorRange[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const ok = info !== null && typeof info === 'object' && !Array.isArray(info) && Object.values(info).every((v) => typeof v === 'string');
      if (!ok) findings.push({ severity: 'low', rule: 'safetensors-metadata', message: '__metadata__ is not a map of strings to strings', offset: 8 });
      continue;
    }
    const range = checkTensor(name, info, { findings, dataSize });
    if (range !== null) ranges.push(range);
  }
  checkLayout(ranges, { findings, dataStart, dataSize });
  return { format: 'safetensors', parsed: true, findings };
}

function checkTensor(name: string, info: unknown, at: { findings: Finding[]; dataSize: number }): TensorRange | null {
  const invalid = (message: string) => at.findings.push({ severity: 'medium', rule: 'safetensors-header-invalid', message: `tensor '${name}': ${message}`, offset: 8 });
  if (info === null || typeof info !== 'object' || Array.isArray(info)) {
    invalid('entry is not an object');
    return null;
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  const bits = typeof dtype === 'string' ? SAFETENSORS_DTYPE_BITS[dtype] : undefined;
  if (bits === undefined) at.findings.push({ severity: 'medium', rule: 'safetensors-dtype', message: `tensor '${name}': unknown dtype ${JSON.stringify(dtype)}`, offset: 8 });
  const shapeOk = Array.isArray(shape) && shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
  if (!shapeOk) invalid(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  const isOffset = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !isOffset(offsets[0]) || !isOffset(offsets[1]) || offsets[0] > offsets[1]) {
    invalid(`data_offsets ${JSON.stringify(offsets)} is not [begin, end] with 0 <= begin <= end`);
    return null;
  }
  const [begin, end] = offsets as [number, number];
  if (end > at.dataSize) {
    at.findings.push({ severity: 'high', rule: 'safetensors-out-of-range', message: `tensor '${name}': bytes ${begin}..${end} lie outside the ${at.dataSize}-byte data section`, offset: 8 });
  }
  if (bits !== undefined && shapeOk) {
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    const totalBits = elements * bits;
    if (totalBits % 8 !== 0 || totalBits / 8 !== end - begin) {
      at.findings.push({
        severity: 'medium',
        rule: 'safetensors-shape-mismatch',
        message: `tensor '${name}': shape ${JSON.stringify(shape)} x ${String(dtype)} is ${totalBits / 8} bytes but its range holds ${end - begin}`,
        offset: 8,
      });
    }
  }
  return { name, begin, end: Math.min(end, at.dataSize) };
}

/** The reference loader requires ranges that tile the data section exactly, in order. */
function checkLayout(ranges: TensorRange[], at: { findings: Finding[]; dataStart: number; dataSize: number }): void {
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: TensorRange | null = null;
  for (const range of ranges) {
    if (range.begin < covered && previous !== null && range.end > range.begin) {
      at.findings.push({
        severity: 'high',
        rule: 'safetensors-overlap',
        message: `tensors '${previous.name}' and '${range.name}' overlap (bytes ${range.begin}..${Math.min(covered, range.end)})`,
        offset: at.dataStart + range.begin,
      });
    } else if (range.begin > covered) {
      at.findings.push({ severity: 'medium', rule: 'safetensors-hole', message: `bytes ${covered}..${range.begin} of the data section belong to no tensor`, offset: at.dataStart + covered });
    }
    if (range.end >= covered) {
      covered = range.end;
      previous = range;
    }
  }
  if (covered < at.dataSize) {
    at.findings.push({ severity: 'medium', rule: 'safetensors-hole', message: `${at.dataSize - covered} bytes after the last tensor belong to no tensor`, offset: at.dataStart + covered });
  }
}
