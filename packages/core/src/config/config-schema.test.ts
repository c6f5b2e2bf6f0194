import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RampartConfig } from './schema.js';

/**
 * docs/reference/rampart.schema.json is the JSON Schema editors use to check rampart.yaml. It is
 * generated from the same zod source the loader validates with (STYLE rule 11), so this test
 * fails whenever schema.ts changes and the committed file was not regenerated.
 *
 * Regenerate with `node scripts/generate-config-schema.mjs` (after a build), or without a build:
 * `UPDATE_SCHEMA=1 npx vitest run packages/core/src/config/config-schema.test.ts`.
 * Both use the same call: z.toJSONSchema(RampartConfig, { io: 'input' }).
 */
const SCHEMA_FILE = fileURLToPath(new URL('../../../../docs/reference/rampart.schema.json', import.meta.url));

/** `io: 'input'`: what a user may write, so keys with defaults are optional, not required. */
function generate(): unknown {
  // Unrepresentable types (transforms, functions) make toJSONSchema throw by default: none may
  // appear in the config schema, because an editor could not check them.
  const schema = z.toJSONSchema(RampartConfig, { io: 'input' });
  // Through JSON so `undefined` members compare as the file holds them: absent.
  return JSON.parse(JSON.stringify(schema)) as unknown;
}

describe('config JSON Schema', () => {
  it('docs/reference/rampart.schema.json matches the zod schema', () => {
    const generated = generate();
    if (process.env['UPDATE_SCHEMA'] === '1') {
      writeFileSync(SCHEMA_FILE, `${JSON.stringify(generated, null, 2)}\n`);
    }
    const committed: unknown = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    expect(committed, 'regenerate docs/reference/rampart.schema.json (see this file for how)').toEqual(generated);
  });

  it('closes every object, so an editor flags unknown keys as the loader does', () => {
    const open: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (record['type'] === 'object' && record['properties'] !== undefined && record['additionalProperties'] !== false) open.push(path || '(root)');
      for (const [key, child] of Object.entries(record)) walk(child, path === '' ? key : `${path}.${key}`);
    };
    walk(generate(), '');
    expect(open).toEqual([]);
  });

  it('accepts the documented example and names an unknown key as the loader does', () => {
    expect(RampartConfig.safeParse({ server: { port: 9000 }, audit: { durability: 'async' } }).success).toBe(true);
    const parsed = RampartConfig.safeParse({ server: { prot: 9000 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['server']);
    expect(parsed.error?.issues[0]?.message).toContain('prot');
  });
});
