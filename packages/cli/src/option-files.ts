import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '@rampart/core';

/**
 * Reads the file an option names (`--sig`, `--pub`, `--key`, …) as UTF-8; a missing or unreadable
 * file is the user's error, named by its option.
 */
export async function readOptionFile(file: string, option: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError('RAMPART_E_CLI_USAGE', `${option} ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`, { cause: error });
  }
}

/**
 * Writes `--out` through a temporary file and a rename: readers never see a half-written file,
 * and a failed run leaves the previous one in place.
 */
export async function writeOutAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(temporary, text, { flag: 'wx', mode: 0o644 });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError('RAMPART_E_CLI_USAGE', `--out ${file}: ${code === 'ENOENT' ? `folder ${dirname(file)} does not exist` : (error as Error).message}.`, { cause: error });
  }
}
