/** The size of one element of a NumPy dtype, and whether the dtype holds Python objects. */
export interface NumpyDtypeInfo {
  readonly itemsize: number;
  readonly hasObject: boolean;
}

const CHAR_SIZES: Readonly<Record<string, number>> = { '?': 1, b: 1, B: 1, h: 2, H: 2, i: 4, I: 4, l: 8, L: 8, q: 8, Q: 8, e: 2, f: 4, d: 8, g: 16, F: 8, D: 16, G: 32 };

/**
 * Reads an array-protocol type string (`<f8`, `|b1`, `<U10`, `|O`, `<M8[ns]`, `f8` as pickled by
 * `numpy.dtype`). Unicode sizes count characters (4 bytes each). Returns null for anything else.
 *
 * @example
 * numpyDtype('<f4') // { itemsize: 4, hasObject: false }
 * numpyDtype('|O')  // { itemsize: 8, hasObject: true }
 */
export function numpyDtype(typestr: string): NumpyDtypeInfo | null {
  const match = /^([<>|=]?)([a-zA-Z?])(\d*)(\[[a-zA-Z0-9]+\])?$/.exec(typestr);
  if (match === null) return null;
  const kind = match[2] as string;
  const digits = match[3] as string;
  if (kind === 'O') return { itemsize: 8, hasObject: true };
  if (digits === '') {
    const size = CHAR_SIZES[kind];
    return size === undefined ? null : { itemsize: size, hasObject: false };
  }
  const count = Number.parseInt(digits, 10);
  if (!Number.isSafeInteger(count)) return null;
  if (kind === 'U') return { itemsize: count * 4, hasObject: false };
  if (!'biufcSaVMm'.includes(kind)) return null;
  return { itemsize: count, hasObject: false };
}
