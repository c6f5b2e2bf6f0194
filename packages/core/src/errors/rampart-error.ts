import { ERROR_CODES, type ErrorCode } from './codes.js';

/**
 * Every error Rampart raises on purpose. It carries a registered code, whose fault it is (the
 * user's configuration or input, or the system), an optional cause, and renders itself as an
 * OpenAI-format error body so unmodified OpenAI clients can read it.
 */
export class RampartError extends Error {
  override readonly name: string = 'RampartError';
  readonly code: ErrorCode;
  /** Extra structured detail (for example every config issue with its path). */
  readonly details: readonly string[];
  /** The request parameter at fault, when there is one (OpenAI's `param`). */
  readonly param: string | null;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: readonly string[]; param?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? [];
    this.param = options.param ?? null;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get fault(): 'user' | 'system' {
    return ERROR_CODES[this.code].fault;
  }

  /** OpenAI error JSON: `{ error: { message, type, param, code } }`. */
  toOpenAIError(): { error: { message: string; type: string; param: string | null; code: ErrorCode } } {
    const message = this.details.length > 0 ? `${this.message}\n- ${this.details.join('\n- ')}` : this.message;
    return { error: { message, type: ERROR_CODES[this.code].type, param: this.param, code: this.code } };
  }
}

/** Misconfiguration or bad input: the user can fix it. */
export class UserError extends RampartError {
  override readonly name = 'UserError';
}

/** Everything else: a dependency is down, a bug, a broken invariant. */
export class SystemError extends RampartError {
  override readonly name = 'SystemError';
}

/**
 * Normalizes anything thrown into a RampartError. Used by the HTTP error handler and the CLI's
 * top-level catch so unknown throws never leak stack traces to clients.
 *
 * @example
 * try { await run() } catch (e) { const err = toRampartError(e); process.exitCode = err.fault === 'user' ? 2 : 1 }
 */
export function toRampartError(thrown: unknown): RampartError {
  if (thrown instanceof RampartError) return thrown;
  // The original message stays in `cause` (for the log); clients only learn that it was a bug.
  return new SystemError('RAMPART_E_INTERNAL', 'Internal error. The request id in x-rampart-request-id identifies it in the server log.', { cause: thrown });
}
