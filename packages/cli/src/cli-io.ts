/** Where a command writes. Commands never touch `console`: tests pass their own streams. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`);
}

export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A command's result: the process exit code. 0 ok, 1 a check failed, 2 usage or configuration;
 * `scan-model` also uses 3 (only medium or low findings) and 4 (a file could not be parsed).
 */
export type ExitCode = 0 | 1 | 2 | 3 | 4;
