import { SystemError } from '@rampart/core';
import type { UpstreamResponse } from './upstream-client.js';

/**
 * Maps an upstream 5xx answer to `RAMPART_E_UPSTREAM_ERROR` (502), carrying the upstream's own
 * error message (from an OpenAI `{ error: { message } }`, a vLLM `{ message }` or a FastAPI
 * `{ detail }` body; else a short excerpt of the text). Returns undefined for any other status:
 * 4xx answers are the model API's verdict on the request and are passed through unchanged.
 * Error bodies are always text (see {@link UpstreamResponse}), so this is synchronous.
 *
 * @example
 * const failure = upstreamFailure(res);
 * if (failure !== undefined) throw failure; // rendered as a 502 OpenAI-format error
 */
export function upstreamFailure(response: UpstreamResponse): SystemError | undefined {
  return response.status >= 500 ? upstreamStatusError(response) : undefined;
}

/** The error for any unsuccessful status (also used for `GET /v1/models`, where a 4xx is a failure too). */
export function upstreamStatusError(response: UpstreamResponse): SystemError {
  const detail = typeof response.body === 'string' ? messageOf(response.body) : '';
  const suffix = detail === '' ? '' : `: ${detail}`;
  return new SystemError('RAMPART_E_UPSTREAM_ERROR', `The upstream model API answered ${response.status}${suffix}`);
}

const MAX_MESSAGE_CHARS = 500;

function messageOf(text: string): string {
  let message: unknown = text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) {
      const error = parsed.error;
      message = isRecord(error) ? error.message : typeof error === 'string' ? error : (parsed.message ?? parsed.detail ?? text);
    }
  } catch {
    // not JSON: use the text itself
  }
  const flat = (typeof message === 'string' ? message : JSON.stringify(message) ?? '')
    // eslint-disable-next-line no-control-regex -- control characters would corrupt logs and clients' terminals
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return flat.length > MAX_MESSAGE_CHARS ? `${flat.slice(0, MAX_MESSAGE_CHARS)}…` : flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
