// Installed version of a peer, read from its own package.json (some packages' `exports` hide it
// from require.resolve).
import { readFileSync } from 'node:fs';

/** @example packageVersion('llm-guard') // '0.1.9' */
export function packageVersion(name) {
  const file = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
  try {
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch {
    return 'not installed';
  }
}
