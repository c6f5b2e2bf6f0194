import { afterEach, beforeEach } from 'vitest';

/**
 * Library code never writes to the console (STYLE rule 18). Any stray console call made while a
 * test runs fails that test; output from child processes (CLI tests) is captured, not printed.
 */
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
let stray: string[] = [];
const originals = new Map<string, (...args: unknown[]) => void>();

beforeEach(() => {
  stray = [];
  for (const method of methods) {
    originals.set(method, console[method]);
    console[method] = (...args: unknown[]) => {
      stray.push(`console.${method}: ${args.map(String).join(' ').slice(0, 200)}`);
    };
  }
});

afterEach(() => {
  for (const method of methods) console[method] = originals.get(method) as (typeof console)[typeof method];
  if (stray.length > 0) throw new Error(`Test wrote to the console:\n${stray.join('\n')}`);
});
