import { numpyDtype } from './numpy-dtype.js';
import { qualifiedImport } from './import-policy.js';
import { numberOf, stringOf, type PickleValue } from './pickle-value.js';

/** Classes after whose BUILD joblib writes the array bytes inline, outside pickle opcodes. */
export const JOBLIB_WRAPPERS: ReadonlySet<string> = new Set(['joblib.numpy_pickle.NumpyArrayWrapper', 'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper']);

export interface JoblibArrayLayout {
  /** Object arrays are written as a nested pickle (protocol 2) right after the BUILD. */
  readonly hasObject: boolean;
  /** Raw bytes of a numeric array; null when shape or dtype cannot be read. */
  readonly nbytes: number | null;
  /** joblib >= 1.2 writes one padding-length byte and that many 0xff bytes first. */
  readonly padded: boolean;
}

/**
 * Works out what follows a NumpyArrayWrapper BUILD from its state dict ({shape, dtype, order,
 * allow_mmap, numpy_array_alignment_bytes}), as joblib's NumpyArrayWrapper.read_array does.
 */
export function joblibArrayLayout(state: PickleValue | null): JoblibArrayLayout {
  const entries = state !== null && state.t === 'dict' ? state.entries : new Map<string, PickleValue>();
  const padded = numberOf(entries.get('numpy_array_alignment_bytes')) !== null;
  const dtype = dtypeOf(entries.get('dtype'));
  if (dtype === null) return { hasObject: false, nbytes: null, padded };
  if (dtype.hasObject) return { hasObject: true, nbytes: null, padded: false };
  const shape = entries.get('shape');
  if (shape === undefined || shape.t !== 'tuple') return { hasObject: false, nbytes: null, padded };
  let count = 1;
  for (const dim of shape.items) {
    const n = numberOf(dim);
    if (n === null || n < 0) return { hasObject: false, nbytes: null, padded };
    count *= n;
  }
  const nbytes = count * dtype.itemsize;
  return { hasObject: false, nbytes: Number.isSafeInteger(nbytes) ? nbytes : null, padded };
}

/** numpy.dtype(typestr, align, copy) with its BUILD state (version, byteorder, ..., elsize, ...). */
function dtypeOf(value: PickleValue | undefined): { itemsize: number; hasObject: boolean } | null {
  if (value === undefined || value.t !== 'obj' || value.callee === null) return null;
  const [module = '', name = ''] = value.callee.split('\n');
  if (qualifiedImport(module, name) !== 'numpy.dtype') return null;
  const typestr = value.args !== null && value.args.t === 'tuple' ? stringOf(value.args.items[0]) : null;
  const info = typestr === null ? null : numpyDtype(typestr);
  if (info === null) return null;
  const state = value.state;
  const elsize = state !== null && state.t === 'tuple' ? numberOf(state.items[5]) : null;
  return { itemsize: elsize !== null && elsize > 0 ? elsize : info.itemsize, hasObject: info.hasObject };
}
