import { PassThrough } from 'node:stream';
import { runCli as runCliSource } from '../../packages/cli/src/run-cli.js';
import type { CliResult } from './run-cli.js';

/**
 * Runs the CLI's command tree in this process, from the TypeScript sources (no build needed):
 * the same argv parsing, commands and exit codes as the bin, with stdout and stderr captured.
 */
export async function runCliInProcess(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCliSource(['node', 'rampart', ...args], { stdout, stderr, env: { ...process.env, ...env } });
  return { code, stdout: out, stderr: err };
}
