/**
 * Canonical JSON in the style of RFC 8785 (JSON Canonicalization Scheme): object keys sorted by
 * UTF-16 code units, no insignificant whitespace, strings and numbers written exactly as
 * `JSON.stringify` writes them (RFC 8785 §3.2.2 adopts ECMAScript's number-to-string and string
 * escaping rules, so JSON.stringify is the reference implementation for scalars).
 *
 * The audit chain hashes this text, so two encodings of the same event must never differ: that is
 * why key order is fixed here rather than left to insertion order, and why values JSON cannot
 * represent faithfully are refused instead of being silently turned into `null` or `{}`.
 *
 * Differences from strict RFC 8785, chosen so an audit append never fails on user text:
 * - lone surrogates in strings are written as `\udXXX` escapes (what JSON.stringify does) rather
 *   than rejected; the output is still deterministic;
 * - `undefined` object members are dropped and `undefined` array items become `null`, as with
 *   JSON.stringify, so optional fields can be left out of an event without ceremony;
 * - an object with a `toJSON` method (a `Date`) is replaced by its result, as with JSON.stringify.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null, 'x'] }) // '{"a":[true,null,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const state: WriteState = { parts: [], path: [], ancestors: [] };
  if (!write(value, state)) throw new TypeError('canonicalJson: the top-level value is undefined');
  // One join gives one flat string; concatenating would build a rope of hundreds of nodes per
  // event that the garbage collector then has to trace while events wait for their batch.
  return state.parts.join('');
}

/**
 * `path` (the keys from the root) and `ancestors` are stacks kept only to name the culprit in an
 * error and to spot cycles; building a path string per value would triple the cost of the hot
 * path, which runs once per audited request.
 */
interface WriteState {
  readonly parts: string[];
  readonly path: Array<string | number>;
  readonly ancestors: object[];
}

/** Appends the JSON text of `value` to `state.parts`; false (and nothing appended) for `undefined`. */
function write(value: unknown, state: WriteState): boolean {
  const { parts, path } = state;
  switch (typeof value) {
    case 'string':
      parts.push(quote(value));
      return true;
    case 'number':
      // RFC 8785 §3.2.2.3: NaN and the infinities have no JSON form; JSON.stringify would write
      // `null`, which would make a corrupted measurement look like an absent one. For finite
      // numbers String() is the same ECMAScript Number::toString that JSON.stringify uses.
      if (!Number.isFinite(value)) throw refusal(path, `is ${value}, which JSON cannot represent`);
      parts.push(String(value));
      return true;
    case 'boolean':
      parts.push(value ? 'true' : 'false');
      return true;
    case 'undefined':
      return false;
    case 'bigint':
    case 'function':
    case 'symbol':
      throw refusal(path, `is a ${typeof value}, which JSON cannot represent`);
    default:
      break;
  }
  if (value === null) {
    parts.push('null');
    return true;
  }
  const object = value as object;
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return write((object as { toJSON: (key: string) => unknown }).toJSON(''), state);
  }
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null && !Array.isArray(object)) {
    // Boxed primitives serialize as their primitive value, as with JSON.stringify.
    if (object instanceof Number || object instanceof String || object instanceof Boolean) return write(object.valueOf(), state);
    if (object instanceof Map || object instanceof Set || ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
      // JSON.stringify would write `{}` and lose the content without a word.
      throw refusal(path, `is a ${object.constructor.name}; convert it to a plain object or array first`);
    }
  }
  const { ancestors } = state;
  if (ancestors.includes(object)) throw refusal(path, 'is a circular reference');
  ancestors.push(object);
  if (Array.isArray(object)) {
    parts.push('[');
    for (let i = 0; i < object.length; i++) {
      if (i > 0) parts.push(',');
      path.push(i);
      if (!write(object[i], state)) parts.push('null');
      path.pop();
    }
    parts.push(']');
  } else {
    parts.push('{');
    let first = true;
    // The default sort compares UTF-16 code units, which is exactly RFC 8785 §3.2.3's key order.
    for (const key of Object.keys(object).sort()) {
      const mark = parts.length;
      parts.push(first ? `${quote(key)}:` : `,${quote(key)}:`);
      path.push(key);
      if (write((object as Record<string, unknown>)[key], state)) first = false;
      else parts.length = mark;
      path.pop();
    }
    parts.push('}');
  }
  ancestors.pop();
  return true;
}

/** Characters JSON.stringify escapes: quote, backslash, controls and (lone) surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify for strings, skipping the native call for the common string that needs no escape. */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

function refusal(path: ReadonlyArray<string | number>, what: string): TypeError {
  const where = path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
  return new TypeError(`canonicalJson: $${where} ${what}`);
}
