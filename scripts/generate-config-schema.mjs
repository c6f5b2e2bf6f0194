#!/usr/bin/env node
// Writes docs/reference/rampart.schema.json, the JSON Schema editors use to check rampart.yaml,
// from the zod schema the config loader validates with (packages/core/src/config/schema.ts).
//
//   npm run build && node scripts/generate-config-schema.mjs          # write the file
//   node scripts/generate-config-schema.mjs --check                   # exit 1 if it is stale
//
// It reads the built package (packages/core/dist), so build first. Without a build the same
// file comes from `UPDATE_SCHEMA=1 npx vitest run packages/core/src/config/config-schema.test.ts`;
// that test also fails whenever the committed file no longer matches schema.ts. Both make the
// same call: z.toJSONSchema(RampartConfig, { io: 'input' }). Keep them in step.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RampartConfig } from '../packages/core/dist/index.js';

const target = fileURLToPath(new URL('../docs/reference/rampart.schema.json', import.meta.url));

// `io: 'input'` describes what a user may write: keys with defaults are optional. The default
// `unrepresentable: 'throw'` stays on, so a transform slipping into the config schema fails here.
const schema = z.toJSONSchema(RampartConfig, { io: 'input' });
const text = `${JSON.stringify(schema, null, 2)}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    process.stderr.write(`${target} is stale: run node scripts/generate-config-schema.mjs\n`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
