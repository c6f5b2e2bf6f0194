import { RampartError, SystemError } from '@rampart/core';
import { OutboundBlockedError } from '../net/outbound-blocked-error.js';

/** The deadline the upstream client itself enforces (queueing + connect + headers). */
export class UpstreamDeadlineError extends Error {
  override readonly name = 'UpstreamDeadlineError';
  constructor(readonly timeoutMs: number) {
    super(`no response within ${timeoutMs} ms`);
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
// The peer spoke something that is not HTTP/1.1 or broke its own framing: a reachable but faulty upstream.
const PROTOCOL_CODES = new Set(['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_EXCEEDED_MAX_SIZE']);

/**
 * Maps what undici (or Node's socket layer) throws while talking to the upstream onto the error
 * registry: no response in time → `RAMPART_E_UPSTREAM_TIMEOUT` (504); connection refused, reset,
 * DNS failure, connect timeout → `RAMPART_E_UPSTREAM_UNREACHABLE` (502); a malformed HTTP
 * response → `RAMPART_E_UPSTREAM_ERROR` (502). The original error is kept as `cause` for the log;
 * the message names no internal address, because it can reach API clients.
 * Also usable on an error raised while consuming a streamed body (idle timeout, reset).
 *
 * @example
 * body.on('error', (e) => logger.warn({ err: toUpstreamError(e) }, 'upstream stream failed'));
 */
export function toUpstreamError(thrown: unknown): RampartError {
  if (thrown instanceof RampartError) return thrown;
  if (thrown instanceof UpstreamDeadlineError) {
    return new SystemError('RAMPART_E_UPSTREAM_TIMEOUT', `The upstream model API did not respond within ${thrown.timeoutMs} ms.`, { cause: thrown });
  }
  const code = errorCode(thrown);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new SystemError('RAMPART_E_UPSTREAM_TIMEOUT', 'The upstream model API did not respond in time.', { cause: thrown });
  }
  if (code !== undefined && (PROTOCOL_CODES.has(code) || code.startsWith('HPE_'))) {
    return new SystemError('RAMPART_E_UPSTREAM_ERROR', 'The upstream model API sent a malformed HTTP response.', { cause: thrown });
  }
  if (thrown instanceof OutboundBlockedError) {
    return new SystemError('RAMPART_E_UPSTREAM_UNREACHABLE', 'The upstream model API address is not allowed for outbound calls.', { cause: thrown });
  }
  const what = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'did not accept a connection in time' : `could not be reached${code === undefined ? '' : ` (${code})`}`;
  return new SystemError('RAMPART_E_UPSTREAM_UNREACHABLE', `The upstream model API ${what}.`, { cause: thrown });
}

/**
 * The errno-style code of an error, looking through the AggregateError Node raises when every
 * address family failed (autoSelectFamily) and through `cause` chains.
 */
function errorCode(thrown: unknown): string | undefined {
  let current: unknown = thrown;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    if (current instanceof AggregateError && current.errors.length > 0) current = current.errors[0];
    else current = current.cause;
  }
  return undefined;
}
