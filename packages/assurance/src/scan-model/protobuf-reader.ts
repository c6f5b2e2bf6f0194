import type { ByteSource } from './byte-source.js';
import { ModelParseError } from './model-parse-error.js';

/** One field of a protobuf message, as the wire format gives it (no schema needed). */
export interface ProtoField {
  readonly field: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  readonly wire: number;
  /** Varint value (wire 0). */
  readonly varint: bigint;
  /** Where a length-delimited value's bytes start, and how many there are (wire 2). */
  readonly start: number;
  readonly length: number;
}

/**
 * The fields of the message stored in `[start, end)` of `source`, in order. Length-delimited
 * values are not read, only located, so large tensors cost nothing to step over. Groups (wire 3
 * and 4, unused by ONNX) and malformed varints or lengths throw ModelParseError.
 *
 * @example
 * for (const f of protoFields(source, { start: 0, end: source.size })) if (f.field === 7) graph = f;
 */
export function* protoFields(source: ByteSource, range: { start: number; end: number }): Generator<ProtoField> {
  let pos = range.start;
  while (pos < range.end) {
    const at = pos;
    const key = readVarint(source, { pos, end: range.end });
    pos = key.next;
    const field = Number(key.value >> 3n);
    const wire = Number(key.value & 7n);
    if (field === 0 || key.value >> 3n > 0x1fffffffn) throw new ModelParseError(`invalid protobuf field number ${key.value >> 3n}`, at);
    switch (wire) {
      case 0: {
        const value = readVarint(source, { pos, end: range.end });
        pos = value.next;
        yield { field, wire, varint: value.value, start: at, length: 0 };
        break;
      }
      case 1:
      case 5: {
        const size = wire === 1 ? 8 : 4;
        if (pos + size > range.end) throw new ModelParseError('fixed-width protobuf value runs past its message', at);
        yield { field, wire, varint: 0n, start: pos, length: size };
        pos += size;
        break;
      }
      case 2: {
        const length = readVarint(source, { pos, end: range.end });
        pos = length.next;
        if (length.value > BigInt(range.end - pos)) throw new ModelParseError(`protobuf field ${field} of ${length.value} bytes runs past its message`, at);
        yield { field, wire, varint: 0n, start: pos, length: Number(length.value) };
        pos += Number(length.value);
        break;
      }
      default:
        throw new ModelParseError(`unsupported protobuf wire type ${wire} (field ${field})`, at);
    }
  }
}

function readVarint(source: ByteSource, at: { pos: number; end: number }): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let pos = at.pos; pos < at.end && shift < 70n; pos++) {
    const byte = source.read(pos, 1)[0] as number;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: value & 0xffffffffffffffffn, next: pos + 1 };
    shift += 7n;
  }
  throw new ModelParseError('truncated or overlong protobuf varint', at.pos);
}
