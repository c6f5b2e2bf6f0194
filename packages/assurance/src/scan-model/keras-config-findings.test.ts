import { describe, expect, it } from 'vitest';
import { kerasConfigFindings } from './keras-config-findings.js';

const layer = (className: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ class_name: className, config: { name: 'l', ...config }, ...extra });
const rules = (config: unknown) => kerasConfigFindings(config, 0).map((f) => `${f.severity} ${f.rule}`);

describe('kerasConfigFindings', () => {
  it('passes a plain model', () => {
    expect(rules({ class_name: 'Functional', config: { layers: [layer('Dense', { units: 3 }, { module: 'keras.layers', registered_name: null })] } })).toEqual([]);
  });

  it('reports Lambda layers in every serialization', () => {
    expect(rules(layer('Lambda', { function: ['4wEAAAAAAAAAAAAAAAEAAAAB', null, null], function_type: 'lambda' }))).toEqual(['high keras-lambda']);
    expect(rules(layer('Lambda', { function: 'my_fn', function_type: 'raw' }))).toEqual(['high keras-lambda']);
    expect(rules([{ class_name: '__lambda__', config: { code: 'xx' } }])).toEqual(['high keras-lambda']);
  });

  it('grades module references with the import policy', () => {
    expect(rules({ module: 'subprocess', class_name: 'Popen', config: {} })).toEqual(['critical keras-unsafe-module']);
    expect(rules({ module: 'builtins', class_name: 'function', config: 'eval' })).toEqual(['critical keras-unsafe-module']);
    expect(rules({ module: 'my_lib.layers', class_name: 'Block', config: {} })).toEqual(['medium keras-custom-object']);
    expect(rules({ module: 'keras.src.layers', class_name: 'X', config: {}, registered_name: 'acme>Block' })).toEqual(['low keras-custom-object']);
  });

  it('reports TFOpLambda layers that reach files', () => {
    expect(rules(layer('TFOpLambda', { function: 'io.write_file' }))).toEqual(['high keras-lambda']);
    expect(rules(layer('TFOpLambda', { function: 'math.add' }))).toEqual([]);
  });

  it('says so when a config is too deep to check whole', () => {
    let deep: unknown = layer('Lambda', { function: 'f' });
    for (let i = 0; i < 5000; i++) deep = { config: deep };
    expect(rules(deep)).toEqual(['medium parse-error']);
  });
});
