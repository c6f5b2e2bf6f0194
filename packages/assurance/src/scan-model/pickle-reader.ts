import type { ByteSource } from './byte-source.js';
import { ModelParseError } from './model-parse-error.js';
import type { PickleValue } from './pickle-value.js';

const TEXT = new TextDecoder('utf-8');
const CHUNK = 1 << 16;

/**
 * The byte-level half of the pickle machine: opcode arguments read from a local window of the
 * source (one source read per 64 KiB, not one per byte), with every length checked against the
 * data. Errors carry `opStart`, the offset of the opcode being decoded.
 */
export class PickleReader {
  /** Next byte to read. */
  pos: number;
  /** Offset of the opcode being decoded (set by the machine; errors point here). */
  opStart: number;
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;
  private readonly maxStringChars: number;

  constructor(
    private readonly src: ByteSource,
    options: { start: number; maxStringChars: number },
  ) {
    this.pos = options.start;
    this.opStart = options.start;
    this.maxStringChars = options.maxStringChars;
  }

  /** Makes `[pos, pos + n)` addressable in `buf`; throws past the end of the data. */
  private ensure(n: number): void {
    if (this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length) return;
    if (this.pos + n > this.src.size) throw new ModelParseError(`unexpected end of data: needed ${n} bytes at offset ${this.pos}`, this.opStart);
    this.bufStart = this.pos;
    this.buf = this.src.read(this.pos, Math.min(Math.max(n, CHUNK), this.src.size - this.pos));
  }

  byte(): number {
    this.ensure(1);
    return this.buf[this.pos++ - this.bufStart] as number;
  }

  take(length: number): Buffer {
    if (length > CHUNK) {
      const out = this.src.read(this.pos, length);
      this.pos += length;
      return out;
    }
    this.ensure(length);
    const at = this.pos - this.bufStart;
    this.pos += length;
    return this.buf.subarray(at, at + length);
  }

  skip(length: number): void {
    if (this.pos + length > this.src.size) throw new ModelParseError(`a ${length}-byte argument runs past the end of the data`, this.opStart);
    this.pos += length;
  }

  u16(): number {
    this.ensure(2);
    const value = this.buf.readUInt16LE(this.pos - this.bufStart);
    this.pos += 2;
    return value;
  }

  i32(): number {
    this.ensure(4);
    const value = this.buf.readInt32LE(this.pos - this.bufStart);
    this.pos += 4;
    return value;
  }

  u32(): number {
    this.ensure(4);
    const value = this.buf.readUInt32LE(this.pos - this.bufStart);
    this.pos += 4;
    return value;
  }

  u64(): number {
    this.ensure(8);
    const value = this.buf.readBigUInt64LE(this.pos - this.bufStart);
    this.pos += 8;
    if (value > BigInt(this.src.size)) throw new ModelParseError(`length ${value} is larger than the data`, this.opStart);
    return Number(value);
  }

  /** Bytes up to the next newline (excluded); protocol 0 arguments. */
  line(): Buffer {
    this.ensure(Math.min(1, this.src.size - this.pos));
    const inWindow = this.buf.indexOf(0x0a, this.pos - this.bufStart);
    if (inWindow >= 0) {
      const text = this.buf.subarray(this.pos - this.bufStart, inWindow);
      this.pos = this.bufStart + inWindow + 1;
      return text;
    }
    const limit = Math.min(this.src.size, this.pos + this.maxStringChars);
    const chunks: Buffer[] = [];
    let at = this.pos;
    while (at < limit) {
      const chunk = this.src.read(at, Math.min(65_536, limit - at));
      const newline = chunk.indexOf(0x0a);
      if (newline >= 0) {
        chunks.push(chunk.subarray(0, newline));
        this.pos = at + newline + 1;
        return Buffer.concat(chunks);
      }
      chunks.push(chunk);
      at += chunk.length;
    }
    throw new ModelParseError(at >= this.src.size ? 'text argument without a newline (truncated)' : 'text argument longer than the scan limit', this.opStart);
  }

  utf8Line(): string {
    return TEXT.decode(this.line());
  }

  text(length: number, encoding: 'utf8' | 'latin1'): PickleValue {
    if (length > this.maxStringChars) {
      this.skip(length);
      return { t: 'str', s: null, length };
    }
    const data = this.take(length);
    return { t: 'str', s: encoding === 'utf8' ? TEXT.decode(data) : data.toString('latin1'), length };
  }

  longBytes(length: number): number | bigint | null {
    const data = this.take(length);
    if (length === 0) return 0;
    if (length > 64) return null;
    let n = 0n;
    for (let i = length - 1; i >= 0; i--) n = (n << 8n) | BigInt(data[i] as number);
    if (((data[length - 1] as number) & 0x80) !== 0) n -= 1n << BigInt(length * 8);
    return n;
  }

  parseInt(text: string): number | bigint | null {
    const clean = text.trim().replace(/_/g, '');
    if (!/^[+-]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|\d+)$/.test(clean)) throw new ModelParseError(`invalid integer '${text.slice(0, 40)}'`, this.opStart);
    if (clean.length > 400) return null;
    const negative = clean.startsWith('-');
    const digits = clean.replace(/^[+-]/, '');
    if (/^\d{1,15}$/.test(digits)) return negative ? -Number(digits) : Number(digits);
    const value = /^0[oO]/.test(digits) ? BigInt(`0o${digits.slice(2)}`) : BigInt(digits);
    return negative ? -value : value;
  }

  parseIndex(line: Buffer): number {
    const n = this.parseInt(line.toString('latin1'));
    if (typeof n !== 'number' || n < 0) throw new ModelParseError('memo index out of range', this.opStart);
    return n;
  }
}
