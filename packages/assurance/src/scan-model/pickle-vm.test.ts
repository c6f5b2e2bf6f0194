import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bufferSource } from './byte-source.js';
import { OP } from './pickle-opcodes.js';
import { scanPickleStream } from './pickle-vm.js';
import { DEFAULT_LIMITS, type ScanLimits } from './scan-limits.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const scan = (bytes: Buffer | string, limits: Partial<ScanLimits> = {}) =>
  scanPickleStream(bufferSource(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes), { limits: { ...DEFAULT_LIMITS, ...limits } });
const imports = (bytes: Buffer | string) => scan(bytes).imports.map((i) => `${i.module}.${i.name}`);

/** SHORT_BINUNICODE */
const sbu = (text: string) => `\x8c${String.fromCharCode(text.length)}${text}`;

describe('pickle opcodes', () => {
  it('knows the 68 opcodes of protocols 0-5 (pickletools.opcodes)', () => {
    const reference =
      'INT=0x49 BININT=0x4a BININT1=0x4b BININT2=0x4d LONG=0x4c LONG1=0x8a LONG4=0x8b STRING=0x53 BINSTRING=0x54 SHORT_BINSTRING=0x55 BINBYTES=0x42 ' +
      'SHORT_BINBYTES=0x43 BINBYTES8=0x8e BYTEARRAY8=0x96 NEXT_BUFFER=0x97 READONLY_BUFFER=0x98 NONE=0x4e NEWTRUE=0x88 NEWFALSE=0x89 UNICODE=0x56 ' +
      'SHORT_BINUNICODE=0x8c BINUNICODE=0x58 BINUNICODE8=0x8d FLOAT=0x46 BINFLOAT=0x47 EMPTY_LIST=0x5d APPEND=0x61 APPENDS=0x65 LIST=0x6c EMPTY_TUPLE=0x29 ' +
      'TUPLE=0x74 TUPLE1=0x85 TUPLE2=0x86 TUPLE3=0x87 EMPTY_DICT=0x7d DICT=0x64 SETITEM=0x73 SETITEMS=0x75 EMPTY_SET=0x8f ADDITEMS=0x90 FROZENSET=0x91 ' +
      'POP=0x30 DUP=0x32 MARK=0x28 POP_MARK=0x31 GET=0x67 BINGET=0x68 LONG_BINGET=0x6a PUT=0x70 BINPUT=0x71 LONG_BINPUT=0x72 MEMOIZE=0x94 EXT1=0x82 ' +
      'EXT2=0x83 EXT4=0x84 GLOBAL=0x63 STACK_GLOBAL=0x93 REDUCE=0x52 BUILD=0x62 INST=0x69 OBJ=0x6f NEWOBJ=0x81 NEWOBJ_EX=0x92 PROTO=0x80 STOP=0x2e ' +
      'FRAME=0x95 PERSID=0x50 BINPERSID=0x51';
    const expected = Object.fromEntries(reference.split(' ').map((pair) => pair.split('=') as [string, string]).map(([name, hex]) => [name, Number(hex)]));
    expect(OP).toEqual(expected);
  });

  it('walks a stream that uses every opcode to its STOP', () => {
    const result = scan(fixture('pickle/every-opcode.pkl'));
    expect(result.error).toBeNull();
    expect(result.complete).toBe(true);
    expect(result.protocol).toBe(5);
    expect(imports(fixture('pickle/every-opcode.pkl'))).toEqual(['collections.OrderedDict']);
  });
});

describe('imports', () => {
  it('records GLOBAL with its offset and how it was called', () => {
    const result = scan("cos\nsystem\n(S'id'\ntR.");
    expect(result.imports).toEqual([{ module: 'os', name: 'system', offset: 0, count: 1, calls: new Set(['REDUCE']) }]);
    expect(result.findings[0]).toMatchObject({ severity: 'critical', rule: 'pickle-dangerous-import', module: 'os', name: 'system', offset: 0 });
  });

  it('flags a dangerous import even when nothing calls it', () => {
    const result = scan('\x80\x02cposix\nsystem\n.');
    expect(result.imports[0]?.calls.size).toBe(0);
    expect(result.findings[0]).toMatchObject({ severity: 'critical', message: expect.stringContaining('not called') });
  });

  it('resolves STACK_GLOBAL operands read back from the memo (BINGET, LONG_BINGET, text GET)', () => {
    expect(imports(`\x80\x04${sbu('os')}\x94${sbu('noise')}\x94${sbu('system')}\x94000h\x00h\x02\x93.`)).toEqual(['os.system']);
    expect(imports(`\x80\x04${sbu('os')}r\x10\x27\x00\x000${sbu('system')}r\x11\x27\x00\x000j\x10\x27\x00\x00j\x11\x27\x00\x00\x93.`)).toEqual(['os.system']);
    expect(imports('\x80\x02Vsubprocess\np1\n0VPopen\np2\n0g1\ng2\n\x93.')).toEqual(['subprocess.Popen']);
  });

  it('resolves strings through DUP and raw-unicode-escape', () => {
    expect(imports(`\x80\x04Vo\\u0073\n2\x940${sbu('system')}\x93.`)).toEqual(['os.system']);
  });

  it('reports STACK_GLOBAL with computed operands as an obfuscated import', () => {
    const result = scan(`\x80\x04${sbu('builtins')}${sbu('str')}\x93${sbu('os')}\x85R${sbu('system')}\x93.`);
    expect(result.imports.map((i) => i.name)).toEqual(['str']);
    expect(result.findings).toContainEqual(expect.objectContaining({ severity: 'high', rule: 'pickle-obfuscated-import', name: 'system' }));
  });

  it('sees INST, OBJ, NEWOBJ and NEWOBJ_EX as calls', () => {
    expect(scan("(S'id'\nios\nsystem\n.").imports[0]?.calls).toEqual(new Set(['INST']));
    expect(scan("(cos\nsystem\nS'id'\no.").imports[0]?.calls).toEqual(new Set(['OBJ']));
    expect(scan('\x80\x02csubprocess\nPopen\n)\x81.').imports[0]?.calls).toEqual(new Set(['NEWOBJ']));
    expect(scan('\x80\x04csubprocess\nPopen\n)}\x92.').imports[0]?.calls).toEqual(new Set(['NEWOBJ_EX']));
  });

  it('reports BUILD on an imported class and EXT codes', () => {
    expect(scan('\x80\x02ccollections\nOrderedDict\n}b.').findings).toContainEqual(expect.objectContaining({ rule: 'pickle-build-on-global', severity: 'high' }));
    expect(scan('\x80\x02\x83\x00\x01.').findings).toContainEqual(expect.objectContaining({ rule: 'pickle-extension-code', severity: 'medium' }));
  });

  it('allows torch storages as persistent ids but notes other ids', () => {
    expect(scan('\x80\x02(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x02tQ.').findings).toEqual([]);
    expect(scan('Pkey\n.').findings).toEqual([expect.objectContaining({ rule: 'pickle-persistent-id', severity: 'info' })]);
  });
});

describe('nested pickles', () => {
  const inner = '\x80\x02cposix\nsystem\nX\x02\x00\x00\x00id\x85R.';

  it('scans bytes passed to pickle.loads', () => {
    const result = scan(`\x80\x03c_pickle\nloads\nC${String.fromCharCode(inner.length)}${inner}\x85R.`);
    expect(result.findings).toContainEqual(expect.objectContaining({ severity: 'critical', module: 'posix', message: expect.stringContaining('nested pickle') }));
  });

  it('decodes base64 and _codecs.encode arguments before scanning them', () => {
    const b64 = Buffer.from(inner, 'latin1').toString('base64');
    const viaBase64 = `\x80\x04${sbu('pickle')}${sbu('loads')}\x93${sbu('base64')}${sbu('b64decode')}\x93${sbu(b64)}\x85R\x85R.`;
    expect(scan(viaBase64).findings).toContainEqual(expect.objectContaining({ module: 'posix', name: 'system' }));
    // Protocol 2 pickles bytes as _codecs.encode(<str of the bytes as UTF-8>, 'latin1').
    const text = Buffer.from(inner, 'latin1').toString('latin1');
    const utf8 = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(utf8.length);
    const viaCodecs = Buffer.concat([Buffer.from('\x80\x02cpickle\nloads\nc_codecs\nencode\nX', 'latin1'), length, utf8, Buffer.from('X\x06\x00\x00\x00latin1\x86R\x85R.', 'latin1')]);
    expect(scan(viaCodecs).findings).toContainEqual(expect.objectContaining({ module: 'posix', name: 'system' }));
  });

  it('ignores bytes that only start like a pickle (tensor data)', () => {
    const result = scan(`\x80\x03C\x04\x80\x03\x00\xff.`);
    expect(result.complete).toBe(true);
    expect(result.findings).toEqual([]);
  });

  it('stops at the nesting limit without failing the outer pickle', () => {
    let payload = inner;
    for (let depth = 0; depth < 8; depth++) payload = `\x80\x03C${String.fromCharCode(payload.length)}${payload}.`;
    const result = scan(payload, { maxNestedDepth: 3 });
    expect(result.complete).toBe(true);
    expect(result.findings.filter((f) => f.module === 'posix')).toEqual([]);
    expect(scan(payload, { maxNestedDepth: 9 }).findings).toContainEqual(expect.objectContaining({ module: 'posix' }));
  });
});

describe('joblib arrays', () => {
  it('skips inline array bytes and resumes the pickle after them', () => {
    const result = scan(fixture('joblib/evil-after-array.joblib'));
    expect(result.complete).toBe(true);
    expect(result.findings).toContainEqual(expect.objectContaining({ severity: 'critical', module: 'posix' }));
    expect(scan(fixture('joblib/model.joblib')).findings).toEqual([]);
  });
});

describe('malformed streams end with an error, never a throw', () => {
  it.each([
    ['empty', ''],
    ['truncated argument', '\x80\x02X\x10\x00\x00\x00abc'],
    ['unknown opcode', '\x80\x02\xff'],
    ['unsupported protocol', '\x80\x06N.'],
    ['stack underflow', 'R.'],
    ['MARK missing', 't.'],
    ['memo key missing', 'h\x05.'],
    ['negative LONG4', '\x8b\xff\xff\xff\xff.'],
    ['odd DICT', '(K\x01d.'],
    ['bad STRING', 'Sabc\n.'],
    ['bad INT', 'Ixyz\n.'],
    ['FRAME past the end', '\x80\x04\x95\xff\x00\x00\x00\x00\x00\x00\x00N.'],
    ['no STOP', '\x80\x02N'],
  ])('%s', (_name, bytes) => {
    const result = scan(bytes);
    expect(result.complete).toBe(false);
    expect(result.error?.offset).toBeGreaterThanOrEqual(0);
  });

  it('enforces the opcode, stack and memo limits', () => {
    expect(scan('N'.repeat(50) + '.', { maxPickleOpcodes: 10 }).error?.message).toMatch(/opcodes/);
    expect(scan('N'.repeat(50) + '.', { maxPickleStack: 10 }).error?.message).toMatch(/stack/);
    expect(scan('N' + '\x94'.repeat(50) + '.', { maxPickleMemo: 10 }).error?.message).toMatch(/memo/);
  });

  it('skips an oversized string without reading it', () => {
    const big = `X${Buffer.from([0, 0, 0x10, 0]).toString('latin1')}${'a'.repeat(0x100000)}.`;
    const result = scan(big, { maxStringChars: 1024 });
    expect(result.complete).toBe(true);
  });
});
