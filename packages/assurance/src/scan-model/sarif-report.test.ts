import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { scanModelPath } from './scan-model-path.js';
import { toSarif } from './sarif-report.js';

/** The parts of the SARIF 2.1.0 schema that code-scanning consumers rely on. */
const SARIF_SUBSET = {
  type: 'object',
  required: ['version', 'runs'],
  properties: {
    version: { const: '2.1.0' },
    runs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['tool', 'results'],
        properties: {
          tool: {
            type: 'object',
            required: ['driver'],
            properties: {
              driver: {
                type: 'object',
                required: ['name', 'rules'],
                properties: {
                  name: { type: 'string' },
                  rules: { type: 'array', items: { type: 'object', required: ['id', 'shortDescription'], properties: { id: { type: 'string' }, shortDescription: { type: 'object', required: ['text'] } } } },
                },
              },
            },
          },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['ruleId', 'ruleIndex', 'level', 'message', 'locations'],
              properties: {
                level: { enum: ['none', 'note', 'warning', 'error'] },
                message: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } },
                ruleIndex: { type: 'integer', minimum: 0 },
                locations: {
                  type: 'array',
                  minItems: 1,
                  items: {
                    type: 'object',
                    required: ['physicalLocation'],
                    properties: {
                      physicalLocation: {
                        type: 'object',
                        required: ['artifactLocation'],
                        properties: {
                          artifactLocation: { type: 'object', required: ['uri'], properties: { uri: { type: 'string', format: 'uri-reference' } } },
                          region: { type: 'object', properties: { byteOffset: { type: 'integer', minimum: 0 } }, additionalProperties: false },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

describe('toSarif', () => {
  it('writes SARIF 2.1.0 whose results point at their rules and files', async () => {
    const report = await scanModelPath(new URL('./fixtures/torch/', import.meta.url).pathname);
    const sarif = toSarif(report, { version: '0.1.0' }) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string }[] }[] };
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(SARIF_SUBSET);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const [run] = sarif.runs;
    expect(run?.results.length).toBeGreaterThan(5);
    for (const result of run?.results ?? []) expect(run?.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
    expect(run?.results.map((r) => r.level)).toContain('error');
    expect(new Set(run?.tool.driver.rules.map((r) => r.id)).size).toBe(run?.tool.driver.rules.length);
  });
});
