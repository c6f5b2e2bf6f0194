/**
 * Decoders for the text arguments of protocol 0 opcodes, as CPython reads them: STRING carries a
 * quoted Python 2 `repr` (codecs.escape_decode), UNICODE carries raw-unicode-escape text.
 * Returning null means CPython would refuse the argument too.
 */

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { '\\': 0x5c, "'": 0x27, '"': 0x22, a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };

/** STRING's argument (without the newline) to its bytes, or null when it is not quoted. */
export function decodeStringLiteral(line: Buffer): Buffer | null {
  if (line.length < 2) return null;
  const quote = line[0];
  if (quote !== line[line.length - 1] || (quote !== 0x27 && quote !== 0x22)) return null;
  const body = line.subarray(1, line.length - 1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const byte = body[i] as number;
    if (byte !== 0x5c || i + 1 >= body.length) {
      out.push(byte);
      continue;
    }
    const next = String.fromCharCode(body[i + 1] as number);
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out.push(simple);
      i += 1;
    } else if (next === '\n') {
      i += 1;
    } else if (next === 'x') {
      const hex = body.subarray(i + 2, i + 4).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      out.push(Number.parseInt(hex, 16));
      i += 3;
    } else if (/[0-7]/.test(next)) {
      let digits = '';
      let j = i + 1;
      while (j < body.length && digits.length < 3 && /[0-7]/.test(String.fromCharCode(body[j] as number))) digits += String.fromCharCode(body[j++] as number);
      out.push(Number.parseInt(digits, 8) & 0xff);
      i = j - 1;
    } else {
      out.push(byte);
    }
  }
  return Buffer.from(out);
}

/** UNICODE's argument (raw-unicode-escape) to a string. */
export function decodeRawUnicodeEscape(line: Buffer): string | null {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const byte = line[i] as number;
    const next = line[i + 1];
    if (byte === 0x5c && (next === 0x75 || next === 0x55)) {
      const width = next === 0x75 ? 4 : 8;
      const hex = line.subarray(i + 2, i + 2 + width).toString('latin1');
      if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) return null;
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) return null;
      out += String.fromCodePoint(code);
      i += 1 + width;
    } else {
      out += String.fromCharCode(byte);
    }
  }
  return out;
}
