import { describe, expect, it } from 'vitest';
import { classifyImport, DENY_RULES, SAFE_IMPORTS } from './import-policy.js';

describe('classifyImport', () => {
  it.each([
    ['posix', 'system', 'critical'],
    ['nt', 'system', 'critical'],
    ['os', 'path.join', 'critical'],
    ['builtins', 'eval', 'critical'],
    ['__builtin__', 'eval', 'critical'],
    ['builtins', 'getattr', 'critical'],
    ['subprocess', 'Popen', 'critical'],
    ['_pickle', 'loads', 'critical'],
    ['cPickle', 'loads', 'critical'],
    ['socket', 'socket', 'critical'],
    ['types', 'CodeType', 'critical'],
    ['numpy', 'loads', 'critical'],
    ['torch', 'load', 'high'],
    ['torch', 'hub.load', 'high'],
    ['requests', 'get', 'high'],
    ['urllib2', 'urlopen', 'high'],
    ['operator', 'attrgetter', 'high'],
    ['functools', 'partial', 'high'],
    ['builtins', 'open', 'high'],
    ['collections', 'OrderedDict.__init__.__globals__', 'high'],
    ['base64', 'b64decode', 'low'],
    ['torch.nn.modules.linear', 'Linear', 'low'],
    ['sklearn.tree._classes', 'DecisionTreeClassifier', 'medium'],
    ['__main__', 'Net', 'medium'],
    ['builtins', 'print', 'medium'],
    ['osx', 'thing', 'medium'],
  ])('%s.%s is %s', (module, name, severity) => {
    expect(classifyImport(module, name).severity).toBe(severity);
  });

  it.each([
    ['torch._utils', '_rebuild_tensor_v2'],
    ['torch', 'FloatStorage'],
    ['torch', 'bfloat16'],
    ['collections', 'OrderedDict'],
    ['numpy.core.multiarray', '_reconstruct'],
    ['numpy', 'dtype'],
    ['numpy.dtypes', 'Float64DType'],
    ['_codecs', 'encode'],
    ['__builtin__', 'set'],
    ['copy_reg', '_reconstructor'],
    ['joblib.numpy_pickle', 'NumpyArrayWrapper'],
  ])('%s.%s is allowed', (module, name) => {
    expect(classifyImport(module, name).severity).toBeNull();
  });

  it('keeps the allow-list and the deny-list apart', () => {
    for (const [pattern] of DENY_RULES) {
      for (const safe of SAFE_IMPORTS) expect(safe === pattern || safe.startsWith(`${pattern}.`), `${safe} vs ${pattern}`).toBe(false);
    }
  });
});
