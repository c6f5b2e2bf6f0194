import type { ByteSource } from './byte-source.js';

/**
 * What the symbolic pickle machine keeps for each stack and memo slot. Nothing is executed: an
 * import is a name, a call is a record of what was called. Strings, bytes, ints, tuples and
 * string-keyed dicts keep their contents (bounded) so that STACK_GLOBAL operands, nested pickles
 * and joblib array sizes can be worked out; lists and sets keep nothing.
 */
export type PickleValue =
  | { readonly t: 'str'; readonly s: string | null; readonly length: number }
  | { readonly t: 'bytes'; readonly src: ByteSource; readonly at: number; readonly length: number; scanned: boolean }
  | { readonly t: 'int'; readonly n: number | bigint | null }
  | { readonly t: 'float' }
  | { readonly t: 'bool' }
  | { readonly t: 'none' }
  | { readonly t: 'tuple'; readonly items: readonly PickleValue[] }
  | { readonly t: 'list' }
  | { readonly t: 'dict'; readonly entries: Map<string, PickleValue> }
  | { readonly t: 'set' }
  | { readonly t: 'global'; readonly key: string; readonly module: string; readonly name: string }
  | { readonly t: 'unresolved-global' }
  | { readonly t: 'obj'; readonly callee: string | null; readonly args: PickleValue | null; state: PickleValue | null; readonly bytes?: PickleValue }
  | { readonly t: 'persistent'; readonly pid: PickleValue }
  | { readonly t: 'buffer' }
  | { readonly t: 'ext'; readonly code: number };

/** Values that carry nothing are shared: a pickle of a million floats allocates none. */
export const NONE: PickleValue = Object.freeze({ t: 'none' });
export const FLOAT: PickleValue = Object.freeze({ t: 'float' });
export const BOOL: PickleValue = Object.freeze({ t: 'bool' });
export const LIST: PickleValue = Object.freeze({ t: 'list' });
export const SET: PickleValue = Object.freeze({ t: 'set' });

/** Import key of `module` and `name` (a newline cannot occur in either: GLOBAL is line-based). */
export function importKey(module: string, name: string): string {
  return `${module}\n${name}`;
}

/** The string a value holds, or null when it is not a (kept) string. */
export function stringOf(value: PickleValue | undefined): string | null {
  return value !== undefined && value.t === 'str' ? value.s : null;
}

/** A JavaScript number for an int value in the safe range, else null. */
export function numberOf(value: PickleValue | undefined): number | null {
  if (value === undefined || value.t !== 'int' || value.n === null) return null;
  if (typeof value.n === 'number') return value.n;
  return value.n >= BigInt(Number.MIN_SAFE_INTEGER) && value.n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value.n) : null;
}

/** A short description for messages ("str 'os'", "result of builtins.getattr(...)"). */
export function describeValue(value: PickleValue | undefined): string {
  if (value === undefined) return 'nothing';
  switch (value.t) {
    case 'str':
      return value.s === null ? `a ${value.length}-character string` : `'${value.s.slice(0, 40)}'`;
    case 'obj':
      return value.callee === null ? 'an object' : `the result of ${value.callee.replace('\n', '.')}(...)`;
    case 'global':
      return `the import ${value.module}.${value.name}`;
    default:
      return `a ${value.t}`;
  }
}
