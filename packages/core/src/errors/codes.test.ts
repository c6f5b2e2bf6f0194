import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './codes.js';
import { RampartError, SystemError, UserError, toRampartError } from './rampart-error.js';

describe('error registry', () => {
  const doc = readFileSync(new URL('../../../../docs/reference/errors.md', import.meta.url), 'utf8');

  it('documents every code with its HTTP status and fault, and nothing else', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(doc).toContain(`| \`${code}\` | ${spec.status} | ${spec.fault} |`);
    }
    const documented = [...doc.matchAll(/\| `(RAMPART_E_[A-Z0-9_]+)` \|/g)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(Object.keys(ERROR_CODES)));
  });

  it('renders OpenAI-format errors and normalizes unknown throws', () => {
    const error = new UserError('RAMPART_E_REQUEST_MALFORMED_JSON', 'bad json', { param: 'body' });
    expect(error.status).toBe(400);
    expect(error.toOpenAIError()).toEqual({
      error: { message: 'bad json', type: 'invalid_request_error', param: 'body', code: 'RAMPART_E_REQUEST_MALFORMED_JSON' },
    });
    const wrapped = toRampartError(new TypeError('boom'));
    expect(wrapped).toBeInstanceOf(SystemError);
    expect(wrapped.code).toBe('RAMPART_E_INTERNAL');
    expect(toRampartError(error)).toBe(error);
    expect(new SystemError('RAMPART_E_STORE_UNAVAILABLE', 'x')).toBeInstanceOf(RampartError);
  });
});
