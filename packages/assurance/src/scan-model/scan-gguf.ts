import type { ByteSource } from './byte-source.js';
import { chatTemplateFindings } from './chat-template-findings.js';
import type { Finding } from './finding.js';
import type { FormatScan, ScanContext } from './format-scan.js';
import { GGML_TYPES } from './ggml-types.js';
import { ModelParseError, parseErrorFinding } from './model-parse-error.js';

export const GGUF_MAGIC = Buffer.from('GGUF', 'latin1');
const GGML_MAX_DIMS = 4;
const DEFAULT_ALIGNMENT = 32;
/** Value type ids (gguf spec): fixed sizes, 8 = string, 9 = array. */
const FIXED_SIZES: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;
const ABSURD = 1n << 32n;

/**
 * Checks a GGUF file's header the way a careful loader should before trusting it: magic,
 * version 1-3, tensor and metadata counts that fit in the file, every string and array length
 * inside the file (oversized lengths are the pattern of the llama.cpp GGUF heap overflows,
 * CVE-2024-21802 and CVE-2024-25664..25668), tensor infos (at most 4 dims, known ggml types,
 * aligned offsets, data inside the file, no overlap, unique names), and a chat template free of
 * Jinja constructs that reach Python.
 *
 * @example
 * scanGgufSource(openFileSource('model.gguf'), ctx)
 */
export function scanGgufSource(source: ByteSource, _ctx: ScanContext): FormatScan {
  const reader = new GgufReader(source);
  try {
    reader.read();
  } catch (thrown) {
    if (!(thrown instanceof ModelParseError)) throw thrown;
    return { format: 'gguf', parsed: false, findings: [...reader.findings, parseErrorFinding(thrown, 'GGUF file')] };
  }
  return { format: 'gguf', parsed: true, findings: reader.findings };
}

interface TensorInfo {
  readonly name: string;
  readonly offset: bigint;
  readonly bytes: bigint | null;
  readonly at: number;
}

class GgufReader {
  readonly findings: Finding[] = [];
  private pos = 0;
  private wide = true;
  private alignment = DEFAULT_ALIGNMENT;

  constructor(private readonly src: ByteSource) {}

  read(): void {
    if (this.src.size < 8 || !this.src.read(0, 4).equals(GGUF_MAGIC)) throw new ModelParseError("missing the 'GGUF' magic", 0);
    this.pos = 4;
    const version = this.u32();
    if (version < 1 || version > 3) {
      const hint = version > 0xffffff ? ' (a big-endian file?)' : '';
      throw new ModelParseError(`unsupported GGUF version ${version}${hint}`, 4);
    }
    this.wide = version >= 2;
    const tensorCount = this.count();
    const kvCount = this.count();
    // Every KV needs at least a key length, a type and one byte; every tensor info at least 24 bytes.
    this.sane(kvCount * 13n <= BigInt(this.remaining()), { message: `metadata count ${kvCount} cannot fit in the file`, at: 4, value: kvCount });
    this.sane(tensorCount * 24n <= BigInt(this.remaining()), { message: `tensor count ${tensorCount} cannot fit in the file`, at: 4, value: tensorCount });
    for (let i = 0n; i < kvCount; i++) this.keyValue();
    const tensors: TensorInfo[] = [];
    const names = new Set<string>();
    for (let i = 0n; i < tensorCount; i++) {
      const info = this.tensorInfo();
      if (names.has(info.name)) this.invalid(`tensor name '${info.name}' appears twice`, info.at);
      names.add(info.name);
      tensors.push(info);
    }
    const dataStart = Math.ceil(this.pos / this.alignment) * this.alignment;
    this.checkData(tensors, dataStart);
  }

  private keyValue(): void {
    const at = this.pos;
    const key = this.string();
    const type = this.u32();
    if (key === 'general.alignment' && type === 4) {
      const value = this.u32();
      if (value === 0 || (value & (value - 1)) !== 0) this.invalid(`general.alignment ${value} is not a power of two`, at);
      else this.alignment = value;
      return;
    }
    if (key === 'tokenizer.chat_template' && type === STRING) {
      this.findings.push(...chatTemplateFindings(this.string(), at));
      return;
    }
    this.skipValue(type, { at, depth: 0 });
  }

  private skipValue(type: number, where: { at: number; depth: number }): void {
    const fixed = FIXED_SIZES[type];
    if (fixed !== undefined) {
      this.skip(fixed);
    } else if (type === STRING) {
      this.skip(this.length());
    } else if (type === ARRAY) {
      if (where.depth > 2) throw new ModelParseError('arrays nested more than 2 deep', where.at);
      const elementType = this.u32();
      const count = this.count();
      const element = FIXED_SIZES[elementType];
      if (element !== undefined) {
        this.sane(count * BigInt(element) <= BigInt(this.remaining()), { message: `array of ${count} elements runs past the end of the file`, at: where.at, value: count });
        this.skip(Number(count) * element);
      } else if (elementType === STRING || elementType === ARRAY) {
        this.sane(count * 8n <= BigInt(this.remaining()), { message: `array of ${count} elements runs past the end of the file`, at: where.at, value: count });
        for (let i = 0n; i < count; i++) this.skipValue(elementType, { at: where.at, depth: where.depth + 1 });
      } else {
        throw new ModelParseError(`unknown array element type ${elementType}`, where.at);
      }
    } else {
      throw new ModelParseError(`unknown metadata value type ${type}`, where.at);
    }
  }

  private tensorInfo(): TensorInfo {
    const at = this.pos;
    const name = this.string();
    const dimCount = this.u32();
    if (dimCount > GGML_MAX_DIMS) {
      this.invalid(`tensor '${name}' has ${dimCount} dimensions (ggml allows ${GGML_MAX_DIMS})`, at);
      this.sane(BigInt(dimCount) * 8n <= BigInt(this.remaining()), { message: `tensor '${name}' dimension count ${dimCount} runs past the end of the file`, at, value: BigInt(dimCount) });
    }
    const dims: bigint[] = [];
    for (let i = 0; i < dimCount; i++) dims.push(this.wide ? this.u64() : BigInt(this.u32()));
    const typeId = this.u32();
    const offset = this.u64();
    const type = GGML_TYPES[typeId];
    if (type === undefined) {
      this.invalid(`tensor '${name}' has unknown ggml type ${typeId}`, at);
      return { name, offset, bytes: null, at };
    }
    if (offset % BigInt(this.alignment) !== 0n) this.invalid(`tensor '${name}' offset ${offset} is not aligned to ${this.alignment}`, at);
    const elements = dims.reduce((a, b) => a * b, 1n);
    if (dims.length > 0 && (dims[0] as bigint) % BigInt(type.block) !== 0n) {
      this.invalid(`tensor '${name}' first dimension ${dims[0]} is not a multiple of the ${type.name} block size ${type.block}`, at);
    }
    return { name, offset, bytes: (elements / BigInt(type.block)) * BigInt(type.bytes), at };
  }

  private checkData(tensors: TensorInfo[], dataStart: number): void {
    const dataSize = BigInt(Math.max(0, this.src.size - dataStart));
    const ranges = tensors.filter((t) => t.bytes !== null).sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
    let covered = 0n;
    let previous: TensorInfo | null = null;
    for (const tensor of ranges) {
      const end = tensor.offset + (tensor.bytes as bigint);
      if (end > dataSize) {
        this.findings.push({ severity: 'high', rule: 'gguf-header-invalid', message: `tensor '${tensor.name}' data (bytes ${tensor.offset}..${end}) runs past the end of the file`, offset: tensor.at });
      }
      if (previous !== null && tensor.offset < covered && (tensor.bytes as bigint) > 0n) {
        this.findings.push({ severity: 'high', rule: 'gguf-header-invalid', message: `tensors '${previous.name}' and '${tensor.name}' overlap`, offset: tensor.at });
      }
      if (end > covered) {
        covered = end;
        previous = tensor;
      }
    }
  }

  // --- reading -------------------------------------------------------------------------------

  private remaining(): number {
    return this.src.size - this.pos;
  }

  private u32(): number {
    const value = this.src.read(this.pos, 4).readUInt32LE(0);
    this.pos += 4;
    return value;
  }

  private u64(): bigint {
    const value = this.src.read(this.pos, 8).readBigUInt64LE(0);
    this.pos += 8;
    return value;
  }

  private count(): bigint {
    return this.wide ? this.u64() : BigInt(this.u32());
  }

  private length(): number {
    const at = this.pos;
    const length = this.count();
    this.sane(length <= BigInt(this.remaining()), { message: `string length ${length} runs past the end of the file`, at, value: length });
    return Number(length);
  }

  private string(): string {
    const length = this.length();
    const text = this.src.read(this.pos, Math.min(length, 16 << 20)).toString('utf8');
    this.pos += length;
    return text;
  }

  private skip(length: number): void {
    if (length > this.remaining()) throw new ModelParseError(`a ${length}-byte value runs past the end of the file`, this.pos);
    this.pos += length;
  }

  /**
   * A count or length larger than the rest of the file stops the parse. A value no real file
   * could hold (2^32 and up) is also reported as high: that is how the GGUF parser overflows
   * start; a smaller one is more likely a truncated download.
   */
  private sane(ok: boolean, problem: { message: string; at: number; value: bigint }): void {
    if (ok) return;
    if (problem.value >= ABSURD) this.findings.push({ severity: 'high', rule: 'gguf-header-invalid', message: `${problem.message} (an overflow pattern)`, offset: problem.at });
    throw new ModelParseError(problem.message, problem.at);
  }

  private invalid(message: string, at: number): void {
    this.findings.push({ severity: 'medium', rule: 'gguf-header-invalid', message, offset: at });
  }
}
