import type { Context } from 'hono';
import type { AppEnv } from './app-env.js';
import { readBodyWithLimit, readNodeBody } from './read-body.js';

/** The request body, up to `limit` bytes, from Node's stream when available (see readNodeBody). */
export function requestBody(c: Context<AppEnv>, limit: number): Promise<Uint8Array> {
  const incoming = c.env?.incoming;
  return incoming === undefined ? readBodyWithLimit(c.req.raw, limit) : readNodeBody(incoming, limit);
}

/**
 * Aborts when the client goes away before the answer is complete, so the upstream call stops
 * too. On Node this listens to the response's `close`, which avoids building a WHATWG Request
 * just to reach its signal.
 */
export function clientAbortSignal(c: Context<AppEnv>): AbortSignal {
  const outgoing = c.env?.outgoing;
  if (outgoing === undefined) return c.req.raw.signal;
  const controller = new AbortController();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) controller.abort(new Error('client closed the connection'));
  });
  return controller.signal;
}
