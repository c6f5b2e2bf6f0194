import { bufferSource, sliceSource, type ByteSource } from './byte-source.js';
import type { Finding, Severity } from './finding.js';
import { classifyImport, qualifiedImport } from './import-policy.js';
import { JOBLIB_WRAPPERS, joblibArrayLayout } from './joblib-array.js';
import { ModelParseError } from './model-parse-error.js';
import { HIGHEST_PROTOCOL, OP, opcodeName } from './pickle-opcodes.js';
import { evaluatePureCall } from './pickle-pure-calls.js';
import { PickleReader } from './pickle-reader.js';
import { decodeRawUnicodeEscape, decodeStringLiteral } from './pickle-text.js';
import { BOOL, describeValue, FLOAT, importKey, LIST, NONE, SET, stringOf, type PickleValue } from './pickle-value.js';
import type { ScanLimits } from './scan-limits.js';

/** How an imported callable was used: the opcode that called it (or set its state). */
export type CallKind = 'REDUCE' | 'INST' | 'OBJ' | 'NEWOBJ' | 'NEWOBJ_EX' | 'BUILD';

export interface PickleImport {
  readonly module: string;
  readonly name: string;
  /** Offset of the first GLOBAL / STACK_GLOBAL / INST that imported it. */
  readonly offset: number;
  count: number;
  readonly calls: Set<CallKind>;
}

export interface PickleStreamResult {
  /** True when a STOP was reached. */
  readonly complete: boolean;
  /** Offset after the STOP (or where parsing stopped). */
  readonly end: number;
  readonly protocol: number | null;
  readonly error: ModelParseError | null;
  readonly imports: readonly PickleImport[];
  readonly findings: readonly Finding[];
  /** The value STOP returned (used to recognise legacy PyTorch files by their magic number). */
  readonly result: PickleValue | undefined;
}

export interface PickleScanOptions {
  readonly limits: ScanLimits;
  /** Where the stream starts in `source` (default 0). */
  readonly start?: number;
  /** Nesting depth of this stream (0 for a file's own pickle). */
  readonly depth?: number;
}

/** Callables that unpickle bytes: their argument is scanned as a pickle too. */
const BYTES_LOADERS = new Set(['pickle.loads', 'pickle._loads', '_pickle.loads', 'dill.loads', 'cloudpickle.loads', 'numpy.loads', 'torch.storage._load_from_bytes']);
/** Callables that unpickle a file: scanned when the file is an io.BytesIO over known bytes. */
const FILE_LOADERS = new Set(['pickle.load', 'pickle._load', '_pickle.load', 'dill.load', 'cloudpickle.load', 'torch.load', 'joblib.load']);

const DENSE_MEMO = 1 << 26;

/**
 * Walks one pickle stream opcode by opcode without executing it: a symbolic machine that keeps
 * the stack and memo as descriptions, records every import with its offset and whether it was
 * called, and scans pickles nested in bytes. Malformed input stops the walk with `error` set
 * (and the imports seen so far still reported); nothing is thrown.
 *
 * @example
 * const result = scanPickleStream(bufferSource(readFileSync('model.pkl')), { limits: DEFAULT_LIMITS });
 * result.imports.map((i) => `${i.module}.${i.name}`) // ['posix.system']
 */
export function scanPickleStream(source: ByteSource, options: PickleScanOptions): PickleStreamResult {
  return new PickleMachine(source, options).run();
}

class PickleMachine {
  private readonly input: PickleReader;
  private stack: PickleValue[] = [];
  private readonly marks: PickleValue[][] = [];
  private held = 0;
  /** The memo: picklers number it densely from 0, so an array beats a Map by far. */
  private readonly memo: (PickleValue | undefined)[] = [];
  private readonly sparseMemo = new Map<number, PickleValue>();
  private memoSize = 0;
  private readonly imports = new Map<string, PickleImport>();
  private readonly findings: Finding[] = [];
  private protocol: number | null = null;
  private opcodes = 0;
  private readonly limits: ScanLimits;
  private readonly depth: number;

  constructor(
    private readonly src: ByteSource,
    options: PickleScanOptions,
  ) {
    this.input = new PickleReader(src, { start: options.start ?? 0, maxStringChars: options.limits.maxStringChars });
    this.limits = options.limits;
    this.depth = options.depth ?? 0;
  }

  run(): PickleStreamResult {
    let complete = false;
    let error: ModelParseError | null = null;
    let result: PickleValue | undefined;
    try {
      for (;;) {
        if (this.input.pos >= this.src.size) throw new ModelParseError('pickle ends without a STOP opcode (truncated)', this.input.pos);
        this.input.opStart = this.input.pos;
        if (++this.opcodes > this.limits.maxPickleOpcodes) throw new ModelParseError(`more than ${this.limits.maxPickleOpcodes} opcodes (scan limit)`, this.input.pos);
        const op = this.input.byte();
        if (op === OP.STOP) {
          result = this.pop();
          complete = true;
          break;
        }
        this.step(op);
      }
    } catch (thrown) {
      error = thrown instanceof ModelParseError ? thrown : new ModelParseError(`scanner error: ${thrown instanceof Error ? thrown.message : String(thrown)}`, this.input.opStart);
    }
    return {
      complete,
      end: this.input.pos,
      protocol: this.protocol,
      error,
      imports: [...this.imports.values()],
      findings: [...this.importFindings(), ...this.findings],
      result,
    };
  }

  private step(op: number): void {
    switch (op) {
      case OP.PROTO: {
        const protocol = this.input.byte();
        if (protocol > HIGHEST_PROTOCOL) throw new ModelParseError(`unsupported pickle protocol ${protocol}`, this.input.opStart);
        this.protocol ??= protocol;
        return;
      }
      case OP.FRAME: {
        const length = this.input.u64();
        if (this.input.pos + length > this.src.size) throw new ModelParseError(`FRAME of ${length} bytes runs past the end of the data`, this.input.opStart);
        return;
      }
      case OP.MARK:
        this.marks.push(this.stack);
        this.stack = [];
        if (this.marks.length > this.limits.maxPickleStack) throw new ModelParseError('too many nested MARKs (scan limit)', this.input.opStart);
        return;
      case OP.POP:
        if (this.stack.length > 0) this.pop();
        else this.popMark();
        return;
      case OP.POP_MARK:
        this.popMark();
        return;
      case OP.DUP:
        this.push(this.top());
        return;
      case OP.NONE:
        this.push(NONE);
        return;
      case OP.NEWTRUE:
      case OP.NEWFALSE:
        this.push(BOOL);
        return;
      case OP.INT: {
        const text = this.input.line().toString('latin1');
        this.push(text === '00' || text === '01' ? BOOL : { t: 'int', n: this.input.parseInt(text) });
        return;
      }
      case OP.LONG:
        this.push({ t: 'int', n: this.input.parseInt(this.input.line().toString('latin1').replace(/L$/, '')) });
        return;
      case OP.BININT:
        this.push({ t: 'int', n: this.input.i32() });
        return;
      case OP.BININT1:
        this.push({ t: 'int', n: this.input.byte() });
        return;
      case OP.BININT2:
        this.push({ t: 'int', n: this.input.u16() });
        return;
      case OP.LONG1:
        this.push({ t: 'int', n: this.input.longBytes(this.input.byte()) });
        return;
      case OP.LONG4: {
        const length = this.input.i32();
        if (length < 0) throw new ModelParseError('LONG4 with a negative byte count', this.input.opStart);
        this.push({ t: 'int', n: this.input.longBytes(length) });
        return;
      }
      case OP.FLOAT:
        this.input.line();
        this.push(FLOAT);
        return;
      case OP.BINFLOAT:
        this.input.skip(8);
        this.push(FLOAT);
        return;
      case OP.STRING: {
        const decoded = decodeStringLiteral(this.input.line());
        if (decoded === null) throw new ModelParseError('STRING argument is not a quoted string', this.input.opStart);
        this.push({ t: 'str', s: decoded.toString('latin1'), length: decoded.length });
        return;
      }
      case OP.BINSTRING: {
        const length = this.input.i32();
        if (length < 0) throw new ModelParseError('BINSTRING with a negative length', this.input.opStart);
        this.push(this.input.text(length, 'latin1'));
        return;
      }
      case OP.SHORT_BINSTRING:
        this.push(this.input.text(this.input.byte(), 'latin1'));
        return;
      case OP.UNICODE: {
        const decoded = decodeRawUnicodeEscape(this.input.line());
        if (decoded === null) throw new ModelParseError('UNICODE argument is not valid raw-unicode-escape text', this.input.opStart);
        this.push({ t: 'str', s: decoded, length: decoded.length });
        return;
      }
      case OP.BINUNICODE:
        this.push(this.input.text(this.input.u32(), 'utf8'));
        return;
      case OP.SHORT_BINUNICODE:
        this.push(this.input.text(this.input.byte(), 'utf8'));
        return;
      case OP.BINUNICODE8:
        this.push(this.input.text(this.input.u64(), 'utf8'));
        return;
      case OP.BINBYTES:
        this.pushBytes(this.input.u32());
        return;
      case OP.SHORT_BINBYTES:
        this.pushBytes(this.input.byte());
        return;
      case OP.BINBYTES8:
      case OP.BYTEARRAY8:
        this.pushBytes(this.input.u64());
        return;
      case OP.NEXT_BUFFER:
        this.push({ t: 'buffer' });
        return;
      case OP.READONLY_BUFFER:
        this.top();
        return;
      case OP.EMPTY_TUPLE:
        this.push({ t: 'tuple', items: [] });
        return;
      case OP.TUPLE:
        this.push({ t: 'tuple', items: this.popMark() });
        return;
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = op - OP.TUPLE1 + 1;
        const items: PickleValue[] = [];
        for (let i = 0; i < n; i++) items.unshift(this.pop());
        this.push({ t: 'tuple', items });
        return;
      }
      case OP.EMPTY_LIST:
        this.push(LIST);
        return;
      case OP.LIST:
        this.popMark();
        this.push(LIST);
        return;
      case OP.APPEND:
        this.pop();
        this.top();
        return;
      case OP.APPENDS:
        this.popMark();
        this.top();
        return;
      case OP.EMPTY_DICT:
        this.push({ t: 'dict', entries: new Map() });
        return;
      case OP.DICT: {
        const items = this.popMark();
        if (items.length % 2 !== 0) throw new ModelParseError('DICT with an odd number of items', this.input.opStart);
        const dict: PickleValue = { t: 'dict', entries: new Map() };
        for (let i = 0; i < items.length; i += 2) this.setItem(dict, items[i], items[i + 1]);
        this.push(dict);
        return;
      }
      case OP.SETITEM: {
        const value = this.pop();
        const key = this.pop();
        this.setItem(this.top(), key, value);
        return;
      }
      case OP.SETITEMS: {
        const items = this.popMark();
        if (items.length % 2 !== 0) throw new ModelParseError('SETITEMS with an odd number of items', this.input.opStart);
        const target = this.top();
        for (let i = 0; i < items.length; i += 2) this.setItem(target, items[i], items[i + 1]);
        return;
      }
      case OP.EMPTY_SET:
        this.push(SET);
        return;
      case OP.FROZENSET:
        this.popMark();
        this.push(SET);
        return;
      case OP.ADDITEMS:
        this.popMark();
        this.top();
        return;
      case OP.GET:
        this.push(this.memoGet(this.input.parseIndex(this.input.line())));
        return;
      case OP.BINGET:
        this.push(this.memoGet(this.input.byte()));
        return;
      case OP.LONG_BINGET:
        this.push(this.memoGet(this.input.u32()));
        return;
      case OP.PUT:
        this.memoPut(this.input.parseIndex(this.input.line()));
        return;
      case OP.BINPUT:
        this.memoPut(this.input.byte());
        return;
      case OP.LONG_BINPUT:
        this.memoPut(this.input.u32());
        return;
      case OP.MEMOIZE:
        this.memoPut(this.memoSize);
        return;
      case OP.GLOBAL: {
        const module = this.input.utf8Line();
        const name = this.input.utf8Line();
        this.push(this.recordImport(module, name));
        return;
      }
      case OP.STACK_GLOBAL:
        this.push(this.stackGlobal());
        return;
      case OP.INST: {
        const module = this.input.utf8Line();
        const name = this.input.utf8Line();
        const cls = this.recordImport(module, name);
        const args = this.popMark();
        this.push(this.call(cls, { kind: 'INST', args: { t: 'tuple', items: args } }));
        return;
      }
      case OP.OBJ: {
        const items = this.popMark();
        const cls = items.shift();
        if (cls === undefined) throw new ModelParseError('OBJ without a class', this.input.opStart);
        this.push(this.call(cls, { kind: 'OBJ', args: { t: 'tuple', items } }));
        return;
      }
      case OP.NEWOBJ: {
        const args = this.pop();
        const cls = this.pop();
        this.push(this.call(cls, { kind: 'NEWOBJ', args }));
        return;
      }
      case OP.NEWOBJ_EX: {
        this.pop();
        const args = this.pop();
        const cls = this.pop();
        this.push(this.call(cls, { kind: 'NEWOBJ_EX', args }));
        return;
      }
      case OP.REDUCE: {
        const args = this.pop();
        const callable = this.pop();
        this.push(this.call(callable, { kind: 'REDUCE', args }));
        return;
      }
      case OP.BUILD:
        this.build();
        return;
      case OP.EXT1:
      case OP.EXT2:
      case OP.EXT4: {
        const code = op === OP.EXT1 ? this.input.byte() : op === OP.EXT2 ? this.input.u16() : this.input.i32();
        this.note({
          severity: 'medium',
          rule: 'pickle-extension-code',
          message: `${opcodeName(op)} ${code}: imports whatever the loader's copyreg extension registry maps this code to (unknown here)`,
        });
        this.push({ t: 'ext', code });
        return;
      }
      case OP.PERSID: {
        const pid = this.input.line().toString('latin1');
        this.persistent({ t: 'str', s: pid, length: pid.length });
        return;
      }
      case OP.BINPERSID:
        this.persistent(this.pop());
        return;
      default:
        throw new ModelParseError(`unknown opcode ${opcodeName(op)}`, this.input.opStart);
    }
  }

  // --- imports and calls -------------------------------------------------------------------

  private recordImport(module: string, name: string): PickleValue {
    const key = importKey(module, name);
    const known = this.imports.get(key);
    if (known === undefined) this.imports.set(key, { module, name, offset: this.input.opStart, count: 1, calls: new Set() });
    else known.count += 1;
    return { t: 'global', key, module, name };
  }

  /** STACK_GLOBAL resolves only when both operands are constant strings (possibly via the memo). */
  private stackGlobal(): PickleValue {
    const nameValue = this.pop();
    const moduleValue = this.pop();
    const module = stringOf(moduleValue);
    const name = stringOf(nameValue);
    if (module !== null && name !== null) return this.recordImport(module, name);
    this.note({
      severity: 'high',
      rule: 'pickle-obfuscated-import',
      message: `STACK_GLOBAL imports a module given by ${describeValue(moduleValue)} and a name given by ${describeValue(nameValue)}: the import is computed at load time and cannot be checked`,
      ...(module === null ? {} : { module }),
      ...(name === null ? {} : { name }),
    });
    return { t: 'unresolved-global' };
  }

  private call(callable: PickleValue, how: { kind: CallKind; args: PickleValue }): PickleValue {
    if (callable.t !== 'global') return { t: 'obj', callee: null, args: how.args, state: null };
    this.imports.get(callable.key)?.calls.add(how.kind);
    const qualified = qualifiedImport(callable.module, callable.name);
    if (how.kind === 'REDUCE') {
      const pure = evaluatePureCall(qualified, { args: how.args, maxBytes: this.limits.maxStringChars });
      if (pure !== undefined) {
        if (pure.t === 'bytes') this.maybeNested(pure, false);
        return pure;
      }
    }
    if (BYTES_LOADERS.has(qualified) || FILE_LOADERS.has(qualified)) this.loaderArgument(how.args, FILE_LOADERS.has(qualified));
    return { t: 'obj', callee: callable.key, args: how.args, state: null };
  }

  private build(): void {
    const state = this.pop();
    const target = this.top();
    if (target.t === 'global') {
      this.note({
        severity: 'high',
        rule: 'pickle-build-on-global',
        message: `BUILD sets attributes on the imported ${target.module}.${target.name} itself (changes code that runs later)`,
        module: target.module,
        name: target.name,
      });
      return;
    }
    if (target.t !== 'obj' || target.callee === null) return;
    target.state = state;
    this.imports.get(target.callee)?.calls.add('BUILD');
    const [module = '', name = ''] = target.callee.split('\n');
    if (JOBLIB_WRAPPERS.has(qualifiedImport(module, name))) this.skipJoblibArray(state);
  }

  private persistent(pid: PickleValue): void {
    const torchStorage = pid.t === 'tuple' && stringOf(pid.items[0]) === 'storage';
    if (!torchStorage) {
      this.note({ severity: 'info', rule: 'pickle-persistent-id', message: `persistent id ${describeValue(pid)}: the loader's persistent_load decides what it becomes` });
    }
    this.push({ t: 'persistent', pid });
  }

  // --- nested pickles and joblib arrays ------------------------------------------------------

  private pushBytes(length: number): void {
    const at = this.input.pos;
    this.input.skip(length);
    const value: PickleValue = { t: 'bytes', src: this.src, at, length, scanned: false };
    this.maybeNested(value, false);
    this.push(value);
  }

  private loaderArgument(args: PickleValue, fromFile: boolean): void {
    const first = args.t === 'tuple' ? args.items[0] : undefined;
    const payload = first?.t === 'obj' && first.bytes !== undefined ? first.bytes : fromFile ? undefined : first;
    if (payload?.t === 'bytes') this.maybeNested(payload, true);
    else if (payload?.t === 'str' && payload.s !== null) {
      const data = Buffer.from(payload.s, 'latin1');
      this.maybeNested({ t: 'bytes', src: bufferSource(data), at: 0, length: data.length, scanned: false }, true);
    }
  }

  /**
   * Scans bytes as a pickle. `definite`: a loader receives them, so every finding counts.
   * Otherwise only bytes that start like a pickle are tried, and a failed parse keeps only the
   * critical and high findings (random tensor data may start with 0x80).
   */
  private maybeNested(value: PickleValue & { t: 'bytes' }, definite: boolean): void {
    if (value.scanned || value.length < 2) return;
    if (!definite) {
      const head = value.src.read(value.at, 2);
      if (head[0] !== OP.PROTO || (head[1] as number) > HIGHEST_PROTOCOL) return;
    }
    if (this.depth + 1 > this.limits.maxNestedDepth) {
      if (definite) this.note({ severity: 'medium', rule: 'parse-error', message: `nested pickle not scanned: deeper than ${this.limits.maxNestedDepth} levels (scan limit)` });
      return;
    }
    value.scanned = true;
    const sameSource = value.src === this.src;
    const inner = scanPickleStream(sliceSource(value.src, { start: value.at, length: value.length }), { limits: this.limits, depth: this.depth + 1 });
    this.mergeNested(inner, { base: sameSource ? value.at : null, keepAll: definite || inner.complete, label: 'nested pickle' });
    if (definite && !inner.complete && inner.error !== null) {
      this.note({ severity: 'medium', rule: 'parse-error', message: `nested pickle passed to a loader could not be parsed: ${inner.error.message}` });
    }
  }

  private mergeNested(inner: PickleStreamResult, how: { base: number | null; keepAll: boolean; label: string }): void {
    const kept = inner.findings.filter((f) => how.keepAll || f.severity === 'critical' || f.severity === 'high');
    if (kept.length === 0 && !how.keepAll) return;
    const at = (offset: number | undefined) => (how.base !== null && offset !== undefined ? how.base + offset : this.input.opStart);
    if (how.keepAll) this.note({ severity: 'info', rule: 'pickle-nested', message: `${how.label} found (${inner.imports.length} imports)`, offset: at(0) });
    for (const finding of kept) this.findings.push({ ...finding, message: `${how.label}: ${finding.message}`, offset: at(finding.offset) });
  }

  /**
   * joblib writes a NumpyArrayWrapper's array bytes straight after its BUILD opcode, outside
   * the pickle grammar; joblib's unpickler reads them there. Skip them the same way, and scan
   * the skipped bytes as plain pickle opcodes too: `pickle.load` on the same file would run them.
   */
  private skipJoblibArray(state: PickleValue): void {
    const layout = joblibArrayLayout(state);
    const start = this.input.pos;
    if (layout.hasObject) {
      const inner = scanPickleStream(this.src, { limits: this.limits, start, depth: this.depth + 1 });
      this.mergeNested(inner, { base: 0, keepAll: true, label: 'joblib object array' });
      if (!inner.complete) throw new ModelParseError(`joblib object array pickle could not be parsed: ${inner.error?.message ?? 'truncated'}`, inner.error?.offset ?? start);
      this.input.pos = inner.end;
      return;
    }
    if (layout.nbytes === null) throw new ModelParseError('joblib array of unknown size (shape or dtype unreadable): cannot find where the pickle resumes', start);
    if (layout.padded) this.input.skip(this.input.byte());
    this.input.skip(layout.nbytes);
    if (this.depth + 1 <= this.limits.maxNestedDepth && this.input.pos - start >= 2) {
      const shadow = scanPickleStream(sliceSource(this.src, { start, length: this.input.pos - start }), { limits: this.limits, depth: this.depth + 1 });
      this.mergeNested(shadow, { base: start, keepAll: false, label: 'joblib array bytes read as pickle opcodes (what pickle.load would run)' });
    }
  }

  private opName(): string {
    return opcodeName(this.src.read(this.input.opStart, 1)[0] as number);
  }

  // --- containers and memo -----------------------------------------------------------------

  private setItem(target: PickleValue, key: PickleValue | undefined, value: PickleValue | undefined): void {
    if (target.t !== 'dict' || key === undefined || value === undefined) return;
    const text = stringOf(key);
    if (text !== null && target.entries.size < 10_000) target.entries.set(text, value);
  }

  private memoGet(index: number): PickleValue {
    const value = this.memo[index] ?? this.sparseMemo.get(index);
    if (value === undefined) throw new ModelParseError(`memo key ${index} read before it was written`, this.input.opStart);
    return value;
  }

  private memoPut(index: number): void {
    if (index < 0) throw new ModelParseError('negative memo index', this.input.opStart);
    const value = this.top();
    if (index < DENSE_MEMO && index <= this.memo.length) {
      if (this.memo[index] === undefined && !this.sparseMemo.delete(index)) this.memoSize += 1;
      this.memo[index] = value;
    } else {
      if (!this.sparseMemo.has(index)) this.memoSize += 1;
      this.sparseMemo.set(index, value);
    }
    if (this.memoSize > this.limits.maxPickleMemo) throw new ModelParseError(`more than ${this.limits.maxPickleMemo} memo entries (scan limit)`, this.input.opStart);
  }

  private push(value: PickleValue): void {
    this.stack.push(value);
    if (++this.held > this.limits.maxPickleStack) throw new ModelParseError(`more than ${this.limits.maxPickleStack} values on the stack (scan limit)`, this.input.opStart);
  }

  private pop(): PickleValue {
    const value = this.stack.pop();
    if (value === undefined) throw new ModelParseError(`stack underflow at ${this.opName()}`, this.input.opStart);
    this.held -= 1;
    return value;
  }

  private top(): PickleValue {
    const value = this.stack[this.stack.length - 1];
    if (value === undefined) throw new ModelParseError(`stack underflow at ${this.opName()}`, this.input.opStart);
    return value;
  }

  private popMark(): PickleValue[] {
    const below = this.marks.pop();
    if (below === undefined) throw new ModelParseError(`${this.opName()} without a MARK`, this.input.opStart);
    const items = this.stack;
    this.held -= items.length;
    this.stack = below;
    return items;
  }

  // --- findings ------------------------------------------------------------------------------

  private note(finding: Omit<Finding, 'offset'> & { offset?: number }): void {
    this.findings.push({ offset: this.input.opStart, ...finding });
  }

  private importFindings(): Finding[] {
    const out: Finding[] = [];
    for (const record of this.imports.values()) {
      const verdict = classifyImport(record.module, record.name);
      if (verdict.severity === null) continue;
      const rule =
        verdict.category === 'unknown' ? 'pickle-unknown-import'
        : verdict.category === 'library' ? 'pickle-library-import'
        : verdict.reason.startsWith('walks dunder') ? 'pickle-attribute-traversal'
        : 'pickle-dangerous-import';
      const use = record.calls.size > 0 ? `called via ${[...record.calls].join(', ')}` : 'imported but not called here (a custom loader or later data can still call it)';
      out.push({
        severity: verdict.severity as Severity,
        rule,
        message: `imports ${record.module}.${record.name}: ${verdict.reason}; ${use}`,
        offset: record.offset,
        module: record.module,
        name: record.name,
        ...(record.count > 1 ? { count: record.count } : {}),
      });
    }
    return out;
  }
}
