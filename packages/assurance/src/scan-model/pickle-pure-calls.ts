import { inflateSync } from 'node:zlib';
import { bufferSource } from './byte-source.js';
import { stringOf, type PickleValue } from './pickle-value.js';

/**
 * Evaluates, symbolically, the few calls that only turn text into bytes: `_codecs.encode` (how
 * protocols 0-2 pickle `bytes`), base64/hex/zlib decoders and `io.BytesIO`. Payloads hidden as
 * `pickle.loads(base64.b64decode('...'))` then become bytes the scanner can open as a nested
 * pickle. Nothing here runs Python; unknown calls return undefined.
 */
export function evaluatePureCall(qualified: string, input: { args: PickleValue | null; maxBytes: number }): PickleValue | undefined {
  const args = input.args !== null && input.args.t === 'tuple' ? input.args.items : [];
  const first = args[0];
  const second = stringOf(args[1])?.toLowerCase().replace(/_/g, '-');
  let out: Buffer | null = null;
  switch (qualified) {
    case '_codecs.encode':
    case 'codecs.encode':
    case 'builtins.bytes':
    case 'builtins.bytearray':
      out = encodeText(first, second);
      break;
    case 'base64.b64decode':
    case 'base64.standard_b64decode':
    case 'base64.decodebytes':
    case 'base64.decodestring':
    case 'binascii.a2b_base64':
      out = decodeWith(first, 'base64');
      break;
    case 'base64.urlsafe_b64decode':
      out = decodeWith(first, 'base64url');
      break;
    case 'base64.b16decode':
    case 'binascii.unhexlify':
    case 'binascii.a2b_hex':
    case 'builtins.bytes.fromhex':
      out = decodeWith(first, 'hex');
      break;
    case 'codecs.decode':
    case '_codecs.decode':
      out = second === 'base64' || second === 'hex' ? decodeWith(first, second) : second === 'zlib' ? inflate(first, input.maxBytes) : null;
      break;
    case 'zlib.decompress':
      out = inflate(first, input.maxBytes);
      break;
    case 'io.BytesIO':
    case '_io.BytesIO':
      return first !== undefined && first.t === 'bytes' ? { t: 'obj', callee: null, args: input.args, state: null, bytes: first } : undefined;
    default:
      return undefined;
  }
  if (out === null || out.length > input.maxBytes) return undefined;
  return { t: 'bytes', src: bufferSource(out), at: 0, length: out.length, scanned: false };
}

/** The raw bytes a str or bytes value holds (str as latin-1, how Python 2 strings pickle). */
export function bytesOf(value: PickleValue | undefined, maxBytes: number): Buffer | null {
  if (value === undefined) return null;
  if (value.t === 'bytes') return value.length <= maxBytes ? value.src.read(value.at, value.length) : null;
  if (value.t === 'str' && value.s !== null) return Buffer.from(value.s, 'latin1');
  return null;
}

function encodeText(value: PickleValue | undefined, encoding: string | undefined): Buffer | null {
  if (value !== undefined && value.t === 'bytes') return value.src.read(value.at, value.length);
  const text = stringOf(value);
  if (text === null) return null;
  if (encoding === 'latin1' || encoding === 'latin-1' || encoding === 'iso-8859-1') return Buffer.from(text, 'latin1');
  if (encoding === undefined || encoding === 'utf-8' || encoding === 'utf8') return Buffer.from(text, 'utf8');
  return null;
}

function decodeWith(value: PickleValue | undefined, encoding: 'base64' | 'base64url' | 'hex'): Buffer | null {
  const text = value !== undefined && value.t === 'bytes' ? value.src.read(value.at, value.length).toString('latin1') : stringOf(value);
  if (text === null) return null;
  return Buffer.from(text.replace(/\s+/g, ''), encoding);
}

function inflate(value: PickleValue | undefined, maxBytes: number): Buffer | null {
  const data = bytesOf(value, maxBytes);
  if (data === null) return null;
  try {
    return inflateSync(data, { maxOutputLength: maxBytes });
  } catch {
    return null;
  }
}
