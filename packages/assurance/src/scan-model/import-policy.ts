import type { Severity } from './finding.js';

/**
 * Which Python imports a pickle (or a Keras config) may make. Unpickling calls `find_class(module,
 * name)` for every GLOBAL, STACK_GLOBAL and INST, then calls what it found with attacker-chosen
 * arguments, so the import list *is* the attack surface. This module is the one place that
 * grades imports; it is data, kept small enough to review line by line.
 *
 * Order of decisions (classifyImport):
 *   1. Python 2 module names are mapped to their Python 3 names (what the unpickler does).
 *   2. A name that walks dunder attributes (`x.__globals__`) is `high`: protocol 4 resolves
 *      dotted names attribute by attribute, which reaches anything from anything.
 *   3. An exact match in SAFE_IMPORTS: no finding. These rebuild tensors, arrays and plain
 *      containers and call nothing the pickle chooses.
 *   4. The longest matching DENY_RULES pattern (exact `module.name`, or a module prefix): its
 *      severity. Critical means code execution on load.
 *   5. LIBRARY_PREFIXES: `low`, a known library class (a full-object pickle).
 *   6. Anything else: `medium`, an unknown import to review.
 */

export type ImportCategory = 'safe' | 'code-execution' | 'nested-deserialization' | 'file-access' | 'network' | 'process' | 'introspection' | 'decoder' | 'library' | 'unknown';

export interface ImportVerdict {
  /** null: allowed, no finding. */
  readonly severity: Severity | null;
  readonly category: ImportCategory;
  readonly reason: string;
}

/** Python 2 module names the Python 3 unpickler maps (Lib/_compat_pickle.py, IMPORT_MAPPING). */
const PY2_MODULES: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  cPickle: 'pickle',
  exceptions: 'builtins',
  urllib2: 'urllib.request',
  httplib: 'http.client',
  SocketServer: 'socketserver',
  xmlrpclib: 'xmlrpc.client',
  cStringIO: 'io',
  StringIO: 'io',
  thread: '_thread',
  Queue: 'queue',
  repr: 'reprlib',
  _winreg: 'winreg',
  ConfigParser: 'configparser',
};

const TORCH_STORAGES = ['Float', 'Double', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool', 'ComplexFloat', 'ComplexDouble', 'QInt8', 'QUInt8', 'QInt32', 'QUInt4x2', 'QUInt2x4'];
const TORCH_DTYPES = [
  'float32', 'float', 'float64', 'double', 'float16', 'half', 'bfloat16', 'complex32', 'complex64', 'cfloat', 'complex128', 'cdouble',
  'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'short', 'int32', 'int', 'int64', 'long', 'bool',
  'float8_e4m3fn', 'float8_e4m3fnuz', 'float8_e5m2', 'float8_e5m2fnuz', 'float8_e8m0fnu', 'float4_e2m1fn_x2',
  'qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4', 'bits8', 'bits16',
];
const TORCH_REBUILD = [
  '_rebuild_tensor', '_rebuild_tensor_v2', '_rebuild_tensor_v3', '_rebuild_parameter', '_rebuild_parameter_with_state', '_rebuild_qtensor',
  '_rebuild_sparse_tensor', '_rebuild_nested_tensor', '_rebuild_meta_tensor_no_storage', '_rebuild_wrapper_subclass',
  '_rebuild_device_tensor_from_numpy', '_rebuild_device_tensor_from_cpu_tensor',
];

/**
 * Imports that rebuild data and nothing else. `_codecs.encode` is here on purpose: Python 3
 * pickles `bytes` at protocols 0-2 as `_codecs.encode(str, 'latin1')` (NumPy arrays saved at
 * protocol 2 are full of it) and it only encodes a string; the scanner also evaluates it to see
 * the bytes it makes (a nested pickle hidden that way is still found).
 */
export const SAFE_IMPORTS: ReadonlySet<string> = new Set([
  ...TORCH_REBUILD.map((name) => `torch._utils.${name}`),
  ...TORCH_STORAGES.map((kind) => `torch.${kind}Storage`),
  ...TORCH_DTYPES.map((dtype) => `torch.${dtype}`),
  'torch._tensor._rebuild_from_type_v2', 'torch._tensor._rebuild_from_type', 'torch.storage.UntypedStorage', 'torch.storage.TypedStorage', 'torch.UntypedStorage',
  'torch.Size', 'torch.device', 'torch.Tensor', 'torch.nn.parameter.Parameter', 'torch.nn.parameter.UninitializedParameter', 'torch.nn.parameter.Buffer',
  'torch.strided', 'torch.sparse_coo', 'torch.sparse_csr', 'torch.sparse_csc', 'torch.sparse_bsr', 'torch.sparse_bsc', 'torch._mkldnn',
  'torch.contiguous_format', 'torch.channels_last', 'torch.channels_last_3d', 'torch.preserve_format',
  'torch.per_tensor_affine', 'torch.per_channel_affine', 'torch.per_tensor_symmetric', 'torch.per_channel_symmetric', 'torch.per_channel_affine_float_qparams',
  'torch.serialization._get_layout', 'torch.nn.utils.parametrize.ParametrizationList',
  'numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct', 'numpy.ndarray', 'numpy.dtype', 'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar', 'numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer', 'numpy.ma.core._mareconstruct',
  'numpy.ma.core.MaskedArray', 'numpy.random._pickle.__randomstate_ctor', 'numpy.random._pickle.__bit_generator_ctor', 'numpy.random._pickle.__generator_ctor',
  'numpy.random.__RandomState_ctor', 'numpy.random.mtrand.RandomState', 'numpy.random._mt19937.MT19937', 'numpy.random._pcg64.PCG64', 'numpy.random._generator.Generator',
  'collections.OrderedDict', 'collections.defaultdict', 'collections.Counter', 'collections.deque',
  'builtins.set', 'builtins.frozenset', 'builtins.slice', 'builtins.complex', 'builtins.bytearray', 'builtins.bytes', 'builtins.list', 'builtins.dict',
  'builtins.tuple', 'builtins.int', 'builtins.float', 'builtins.str', 'builtins.bool', 'builtins.range', 'builtins.object', 'builtins.Ellipsis', 'builtins.NotImplemented',
  'copyreg._reconstructor', 'copyreg.__newobj__', 'copyreg.__newobj_ex__',
  '_codecs.encode', 'codecs.encode',
  'datetime.datetime', 'datetime.date', 'datetime.time', 'datetime.timedelta', 'datetime.timezone', 'decimal.Decimal', 'fractions.Fraction', 'uuid.UUID',
  'pathlib.Path', 'pathlib.PosixPath', 'pathlib.WindowsPath', 'pathlib.PurePath', 'pathlib.PurePosixPath', 'pathlib.PureWindowsPath', 'argparse.Namespace',
  'joblib.numpy_pickle.NumpyArrayWrapper', 'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
]);

/** Prefixes whose names are accepted as safe (no dunder walking): NumPy's dtype classes. */
const SAFE_PREFIXES = ['numpy.dtypes.'];

type DenyRule = readonly [pattern: string, severity: Severity, category: ImportCategory, reason: string];

const EXEC = 'runs arbitrary code';
const NESTED = 'deserializes nested data with a code-executing format';
const FILES = 'reads or writes files';
const NET = 'opens network connections';
const PROC = 'starts threads, processes or signal handlers';

/**
 * Imports that can do harm, as `module` (every name in it and its submodules) or `module.name`.
 * The longest pattern that matches wins, so `builtins.eval` can be critical while other
 * `builtins` names fall through to the default.
 */
export const DENY_RULES: readonly DenyRule[] = [
  ['builtins.eval', 'critical', 'code-execution', EXEC],
  ['builtins.exec', 'critical', 'code-execution', EXEC],
  ['builtins.execfile', 'critical', 'code-execution', EXEC],
  ['builtins.compile', 'critical', 'code-execution', 'compiles code objects'],
  ['builtins.__import__', 'critical', 'code-execution', 'imports any module'],
  ['builtins.__build_class__', 'critical', 'code-execution', 'builds classes from code'],
  ['builtins.getattr', 'critical', 'code-execution', 'reaches any attribute of any object (getattr chains call os.system)'],
  ['builtins.apply', 'critical', 'code-execution', EXEC],
  ['builtins.reload', 'critical', 'code-execution', 'reloads modules'],
  ['builtins.setattr', 'high', 'introspection', 'overwrites attributes of modules and classes'],
  ['builtins.delattr', 'high', 'introspection', 'deletes attributes of modules and classes'],
  ['builtins.globals', 'high', 'introspection', 'exposes module globals'],
  ['builtins.locals', 'high', 'introspection', 'exposes local variables'],
  ['builtins.vars', 'high', 'introspection', 'exposes object namespaces'],
  ['builtins.type', 'high', 'introspection', 'creates classes at load time'],
  ['builtins.open', 'high', 'file-access', FILES],
  ['builtins.file', 'high', 'file-access', FILES],
  ['builtins.breakpoint', 'high', 'code-execution', 'starts a debugger'],
  ['builtins.input', 'medium', 'unknown', 'waits for console input'],
  ['os', 'critical', 'code-execution', 'runs commands and changes files (os.system, os.popen, os.exec*)'],
  ['posix', 'critical', 'code-execution', 'os internals: runs commands'],
  ['nt', 'critical', 'code-execution', 'os internals: runs commands'],
  ['_posixsubprocess', 'critical', 'code-execution', 'starts processes'],
  ['subprocess', 'critical', 'code-execution', 'starts processes'],
  ['pty', 'critical', 'code-execution', 'spawns shells'],
  ['commands', 'critical', 'code-execution', 'runs shell commands (Python 2)'],
  ['popen2', 'critical', 'code-execution', 'runs shell commands (Python 2)'],
  ['platform.popen', 'critical', 'code-execution', 'runs shell commands'],
  ['runpy', 'critical', 'code-execution', 'runs modules and scripts'],
  ['importlib', 'critical', 'code-execution', 'imports any module'],
  ['imp', 'critical', 'code-execution', 'imports any module'],
  ['zipimport', 'critical', 'code-execution', 'imports code from archives'],
  ['pkgutil', 'critical', 'code-execution', 'resolves any name (pkgutil.resolve_name)'],
  ['pydoc', 'critical', 'code-execution', 'resolves any name (pydoc.locate)'],
  ['code', 'critical', 'code-execution', 'runs an interpreter'],
  ['codeop', 'critical', 'code-execution', 'compiles code'],
  ['timeit', 'critical', 'code-execution', 'executes code strings'],
  ['cProfile', 'critical', 'code-execution', 'executes code strings'],
  ['profile', 'critical', 'code-execution', 'executes code strings'],
  ['trace', 'critical', 'code-execution', 'executes code strings'],
  ['pdb', 'critical', 'code-execution', 'executes code strings'],
  ['bdb', 'critical', 'code-execution', 'executes code strings'],
  ['doctest', 'critical', 'code-execution', 'executes code strings'],
  ['sys', 'critical', 'code-execution', 'reaches sys.modules and interpreter hooks'],
  ['types', 'critical', 'code-execution', 'builds functions from code objects (types.FunctionType, CodeType)'],
  ['marshal', 'critical', 'code-execution', 'loads code objects'],
  ['ctypes', 'critical', 'code-execution', 'calls native code'],
  ['_ctypes', 'critical', 'code-execution', 'calls native code'],
  ['cffi', 'critical', 'code-execution', 'calls native code'],
  ['shutil', 'critical', 'file-access', 'copies, moves and deletes file trees'],
  ['socket', 'critical', 'network', 'opens sockets (reverse shells)'],
  ['_socket', 'critical', 'network', 'opens sockets (reverse shells)'],
  ['webbrowser', 'critical', 'code-execution', 'launches programs'],
  ['pickle', 'critical', 'nested-deserialization', NESTED],
  ['_pickle', 'critical', 'nested-deserialization', NESTED],
  ['dill', 'critical', 'nested-deserialization', 'rebuilds functions from code'],
  ['cloudpickle', 'critical', 'nested-deserialization', 'rebuilds functions from code'],
  ['jsonpickle', 'critical', 'nested-deserialization', NESTED],
  ['shelve', 'critical', 'nested-deserialization', NESTED],
  ['pip', 'critical', 'code-execution', 'installs and runs packages'],
  ['setuptools', 'critical', 'code-execution', 'builds and runs packages'],
  ['distutils', 'critical', 'code-execution', 'builds and runs packages'],
  ['ensurepip', 'critical', 'code-execution', 'installs packages'],
  ['venv', 'high', 'code-execution', 'creates environments and runs pip'],
  ['numpy.loads', 'critical', 'nested-deserialization', NESTED],
  ['numpy.load', 'high', 'nested-deserialization', 'loads files, pickles with allow_pickle'],
  ['numpy.testing._private.utils.runstring', 'critical', 'code-execution', EXEC],
  ['numpy.f2py', 'high', 'code-execution', 'compiles and imports extensions'],
  ['numpy.distutils', 'high', 'code-execution', 'compiles extensions'],
  ['numpy.fromfile', 'high', 'file-access', FILES],
  ['numpy.tofile', 'high', 'file-access', FILES],
  ['numpy.save', 'high', 'file-access', FILES],
  ['torch.load', 'high', 'nested-deserialization', NESTED],
  ['torch.serialization.load', 'high', 'nested-deserialization', NESTED],
  ['torch.storage._load_from_bytes', 'high', 'nested-deserialization', 'calls torch.load on embedded bytes'],
  ['torch.hub', 'high', 'network', 'downloads and runs code from repositories'],
  ['torch.jit.load', 'high', 'nested-deserialization', 'loads TorchScript archives'],
  ['torch.package', 'high', 'nested-deserialization', 'imports code from packages'],
  ['torch.utils.cpp_extension', 'high', 'code-execution', 'compiles and loads native code'],
  ['torch.save', 'high', 'file-access', FILES],
  ['joblib.load', 'high', 'nested-deserialization', NESTED],
  ['sklearn.externals.joblib.load', 'high', 'nested-deserialization', NESTED],
  ['yaml.load', 'high', 'nested-deserialization', 'loads YAML that can construct Python objects'],
  ['yaml.unsafe_load', 'high', 'nested-deserialization', 'loads YAML that can construct Python objects'],
  ['yaml.full_load', 'high', 'nested-deserialization', 'loads YAML that can construct Python objects'],
  ['operator.attrgetter', 'high', 'introspection', 'reaches attributes by name'],
  ['operator.methodcaller', 'high', 'introspection', 'calls methods by name'],
  ['operator.call', 'high', 'introspection', 'calls any callable'],
  ['functools.partial', 'high', 'introspection', 'binds and defers calls'],
  ['functools.partialmethod', 'high', 'introspection', 'binds and defers calls'],
  ['functools.reduce', 'high', 'introspection', 'calls functions repeatedly'],
  ['inspect', 'high', 'introspection', 'reaches frames and globals'],
  ['gc', 'high', 'introspection', 'reaches every live object'],
  ['multiprocessing', 'high', 'process', PROC],
  ['threading', 'high', 'process', PROC],
  ['_thread', 'high', 'process', PROC],
  ['concurrent', 'high', 'process', PROC],
  ['asyncio', 'high', 'process', PROC],
  ['signal', 'high', 'process', PROC],
  ['atexit', 'high', 'process', 'registers code to run at exit'],
  ['logging.config', 'high', 'code-execution', 'imports and configures handlers (logging.config.listen runs code)'],
  ['io', 'high', 'file-access', FILES],
  ['_io', 'high', 'file-access', FILES],
  ['tempfile', 'high', 'file-access', FILES],
  ['glob', 'high', 'file-access', 'lists files'],
  ['fileinput', 'high', 'file-access', FILES],
  ['codecs.open', 'high', 'file-access', FILES],
  ['gzip.open', 'high', 'file-access', FILES],
  ['bz2.open', 'high', 'file-access', FILES],
  ['lzma.open', 'high', 'file-access', FILES],
  ['dbm', 'high', 'file-access', FILES],
  ['sqlite3', 'high', 'file-access', FILES],
  ['winreg', 'high', 'file-access', 'changes the Windows registry'],
  ['_winapi', 'high', 'code-execution', 'calls the Windows API'],
  ['msvcrt', 'high', 'code-execution', 'calls the C runtime'],
  ['requests', 'high', 'network', NET],
  ['urllib', 'high', 'network', NET],
  ['urllib3', 'high', 'network', NET],
  ['http', 'high', 'network', NET],
  ['ftplib', 'high', 'network', NET],
  ['smtplib', 'high', 'network', NET],
  ['poplib', 'high', 'network', NET],
  ['imaplib', 'high', 'network', NET],
  ['nntplib', 'high', 'network', NET],
  ['telnetlib', 'high', 'network', NET],
  ['xmlrpc', 'high', 'network', NET],
  ['socketserver', 'high', 'network', NET],
  ['ssl', 'high', 'network', NET],
  ['aiohttp', 'high', 'network', NET],
  ['httpx', 'high', 'network', NET],
  ['paramiko', 'high', 'network', NET],
  ['base64', 'low', 'decoder', 'decodes data (often used to hide a payload)'],
  ['binascii', 'low', 'decoder', 'decodes data (often used to hide a payload)'],
  ['zlib', 'low', 'decoder', 'decompresses data (often used to hide a payload)'],
  ['bz2', 'low', 'decoder', 'decompresses data'],
  ['lzma', 'low', 'decoder', 'decompresses data'],
  ['codecs.decode', 'low', 'decoder', 'decodes data (often used to hide a payload)'],
  ['_codecs.decode', 'low', 'decoder', 'decodes data (often used to hide a payload)'],
  ['__main__', 'medium', 'unknown', 'a class from the script that saved the file: the loader must define it'],
];

/** Known libraries whose classes appear in full-object pickles (model.save of a whole nn.Module). */
const LIBRARY_PREFIXES = ['torch.nn.modules.', 'torch.nn.parameter.', 'torch.optim.', 'torch.nn.utils.'];

const ALLOWED_DUNDERS = new Set(['copyreg.__newobj__', 'copyreg.__newobj_ex__']);

/** `module.name` as the unpickler resolves it, with Python 2 module names mapped. */
export function qualifiedImport(module: string, name: string): string {
  return `${PY2_MODULES[module] ?? module}.${name}`;
}

/**
 * Grades one import. `module` and `name` are what GLOBAL/STACK_GLOBAL/INST carry (name may be
 * dotted from protocol 4).
 *
 * @example
 * classifyImport('posix', 'system').severity        // 'critical'
 * classifyImport('torch._utils', '_rebuild_tensor_v2').severity // null (allowed)
 */
export function classifyImport(module: string, name: string): ImportVerdict {
  const full = qualifiedImport(module, name);
  if (name.includes('.') && name.split('.').some((part) => /^__\w+__$/.test(part))) {
    return { severity: 'high', category: 'introspection', reason: 'walks dunder attributes through a dotted name' };
  }
  if (SAFE_IMPORTS.has(full) || ALLOWED_DUNDERS.has(full)) return { severity: null, category: 'safe', reason: 'rebuilds data' };
  if (SAFE_PREFIXES.some((prefix) => full.startsWith(prefix)) && !full.includes('__')) return { severity: null, category: 'safe', reason: 'rebuilds data' };
  const rule = matchDenyRule(full);
  if (rule !== undefined) return { severity: rule[1], category: rule[2], reason: rule[3] };
  if (LIBRARY_PREFIXES.some((prefix) => full.startsWith(prefix))) {
    return { severity: 'low', category: 'library', reason: 'a library class: this is a full-object pickle, not weights only' };
  }
  return { severity: 'medium', category: 'unknown', reason: 'not on the allow-list: review what it does when called' };
}

function matchDenyRule(full: string): DenyRule | undefined {
  let best: DenyRule | undefined;
  for (const rule of DENY_RULES) {
    const pattern = rule[0];
    if ((full === pattern || full.startsWith(`${pattern}.`)) && (best === undefined || pattern.length > best[0].length)) best = rule;
  }
  return best;
}
