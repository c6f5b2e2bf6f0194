import { sliceSource, type ByteSource } from './byte-source.js';
import type { Finding } from './finding.js';
import type { FormatScan, ScanContext } from './format-scan.js';
import { ModelParseError, parseErrorFinding } from './model-parse-error.js';
import { numpyDtype, type NumpyDtypeInfo } from './numpy-dtype.js';
import { parsePythonLiteral, type PythonLiteral } from './python-literal.js';
import { scanPickleSource } from './scan-pickle-file.js';

export const NPY_MAGIC = Buffer.from('\x93NUMPY', 'latin1');

/**
 * Scans a `.npy` file: magic, version 1-3, the header dict, and the data size it implies. An
 * object-dtype array's payload is a pickle (what `np.load(allow_pickle=True)` runs), so it is
 * scanned as one.
 *
 * @example
 * scanNpySource(bufferSource(readFileSync('x.npy')), ctx).findings
 */
export function scanNpySource(source: ByteSource, ctx: ScanContext): FormatScan {
  try {
    return scanNpy(source, ctx);
  } catch (thrown) {
    if (!(thrown instanceof ModelParseError)) throw thrown;
    return { format: 'numpy', parsed: false, findings: [parseErrorFinding(thrown, 'NumPy file')] };
  }
}

function scanNpy(source: ByteSource, ctx: ScanContext): FormatScan {
  if (source.size < 10 || !source.read(0, 6).equals(NPY_MAGIC)) throw new ModelParseError('missing the \\x93NUMPY magic', 0);
  const major = source.read(6, 1)[0] as number;
  if (major < 1 || major > 3) throw new ModelParseError(`unsupported .npy version ${major}`, 6);
  const lengthSize = major === 1 ? 2 : 4;
  const headerLength = lengthSize === 2 ? source.read(8, 2).readUInt16LE(0) : source.read(8, 4).readUInt32LE(0);
  const headerStart = 8 + lengthSize;
  const headerBytes = source.read(headerStart, headerLength);
  const header = headerBytes.toString(major === 3 ? 'utf8' : 'latin1');
  let literal: PythonLiteral;
  try {
    literal = parsePythonLiteral(header);
  } catch (thrown) {
    if (thrown instanceof ModelParseError) throw new ModelParseError(`header is not a Python dict literal: ${thrown.message}`, headerStart + thrown.offset);
    throw thrown;
  }
  if (literal === null || typeof literal !== 'object' || Array.isArray(literal)) throw new ModelParseError('header is not a dict', headerStart);
  const dtype = dtypeOf(literal['descr']);
  const shape = literal['shape'];
  if (dtype === null) throw new ModelParseError(`header has an unreadable descr ${JSON.stringify(literal['descr'])}`, headerStart);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new ModelParseError(`header has an invalid shape ${JSON.stringify(shape)}`, headerStart);
  }
  if (typeof literal['fortran_order'] !== 'boolean') throw new ModelParseError('header has no boolean fortran_order', headerStart);
  const dataStart = headerStart + headerLength;
  const findings: Finding[] = [];
  if (dtype.hasObject) {
    findings.push({ severity: 'low', rule: 'numpy-object-array', message: 'object array: its data is a pickle, which np.load(allow_pickle=True) runs', offset: dataStart });
    const payload = scanPickleSource(sliceSource(source, { start: dataStart, length: source.size - dataStart }), ctx);
    findings.push(...payload.findings.map((f) => ({ ...f, offset: f.offset === undefined ? dataStart : dataStart + f.offset })));
    return { format: 'numpy', parsed: payload.parsed, findings };
  }
  const expected = (shape as number[]).reduce((a, b) => a * b, 1) * dtype.itemsize;
  const actual = source.size - dataStart;
  if (expected !== actual) {
    findings.push({ severity: 'medium', rule: 'numpy-header-invalid', message: `data is ${actual} bytes but the header describes ${expected} (shape ${JSON.stringify(shape)} x ${dtype.itemsize} bytes)`, offset: dataStart });
  }
  return { format: 'numpy', parsed: true, findings };
}

/** A descr string, or a structured dtype list [(name, descr[, shape]), ...]. */
function dtypeOf(descr: PythonLiteral | undefined, depth = 0): NumpyDtypeInfo | null {
  if (typeof descr === 'string') return numpyDtype(descr);
  if (!Array.isArray(descr) || depth > 8) return null;
  let itemsize = 0;
  let hasObject = false;
  for (const field of descr) {
    if (!Array.isArray(field) || field.length < 2) return null;
    const inner = dtypeOf(field[1], depth + 1);
    if (inner === null) return null;
    const sub = Array.isArray(field[2]) ? (field[2] as PythonLiteral[]).reduce<number>((a, b) => a * (typeof b === 'number' ? b : 1), 1) : 1;
    itemsize += inner.itemsize * sub;
    hasObject ||= inner.hasObject;
  }
  return { itemsize, hasObject };
}
