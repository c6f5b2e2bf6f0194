import type { Finding } from './finding.js';

/**
 * Thrown inside the format readers when the bytes do not parse (truncated, bad length, unknown
 * opcode, a scan limit reached). It never leaves the scanner: each reader catches it and turns
 * it into a `parse-error` finding with the offset, so a hostile file yields a report, not a crash.
 */
export class ModelParseError extends Error {
  override readonly name = 'ModelParseError';
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/**
 * The finding for bytes that did not parse. `what` says which part (a pickle, an entry...).
 *
 * @example
 * parseErrorFinding(new ModelParseError('unknown opcode 0xff', 12), 'pickle') // { rule: 'parse-error', offset: 12, ... }
 */
export function parseErrorFinding(error: ModelParseError, what: string): Finding {
  return { severity: 'medium', rule: 'parse-error', message: `could not parse ${what}: ${error.message}`, offset: error.offset };
}
