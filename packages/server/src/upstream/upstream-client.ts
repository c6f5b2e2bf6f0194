import type { Readable } from 'node:stream';
import { SystemError, UserError } from '@rampart/core';
import type { Dispatcher } from 'undici';
import { createOutboundAgent } from '../net/outbound.js';
import { toUpstreamError, UpstreamDeadlineError } from './to-upstream-error.js';
import { upstreamStatusError } from './upstream-failure.js';

/**
 * An answer from the upstream model API. `status` is the upstream's own status: 4xx (the model
 * API's validation errors) are meant to be passed through as they are, 5xx to be mapped with
 * {@link upstreamFailure}. `headers` are the end-to-end headers (hop-by-hop and framing headers
 * removed). `body` is the full text, except for a successful (< 400) streaming request, where it
 * is undici's body stream (a Readable of Buffers): consume or destroy it, or the socket stays busy.
 */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Readable;
}

export interface UpstreamClient {
  /** The normalized base URL, always ending in the `/v1` segment (for logs and the status page). */
  readonly baseUrl: string;
  /**
   * POSTs an already-serialized chat completion request. Rejects with a RampartError when no
   * response arrives (`RAMPART_E_UPSTREAM_TIMEOUT`) or the upstream cannot be reached
   * (`RAMPART_E_UPSTREAM_UNREACHABLE`); when `signal` aborts (the client went away) it rejects
   * with the signal's reason instead, which is no upstream failure.
   */
  chatCompletion(body: string, options: { stream: boolean; signal?: AbortSignal; requestId: string }): Promise<UpstreamResponse>;
  /** Model ids from `GET /v1/models`. */
  listModels(): Promise<string[]>;
  /** Resolves when `GET /v1/models` answers 2xx within a short timeout (readiness checks). */
  ping(options?: { timeoutMs?: number }): Promise<void>;
  /** Lets in-flight requests finish (for a few seconds at most), then closes every pooled socket. */
  close(): Promise<void>;
}

export interface UpstreamClientOptions {
  baseUrl: string;
  /** Sent as `authorization: Bearer …`. The client's own Rampart key is never forwarded. */
  apiKey?: string;
  /** Non-streaming: the whole response; streaming: time to the response headers and the longest gap between chunks. */
  timeoutMs: number;
  connectTimeoutMs: number;
  maxConnections: number;
}

/** A readiness probe must answer quickly; orchestrators give probes a few seconds at most. */
const PING_TIMEOUT_MS = 2_000;
/** Bodies read into memory (non-streaming answers, error bodies, the model list) are bounded. */
const MAX_TEXT_BYTES = 32 * 1024 * 1024;
/** How long close() waits for in-flight requests before cutting the sockets. */
const CLOSE_GRACE_MS = 5_000;

// RFC 9110 §7.6.1 hop-by-hop fields, plus the framing fields that belong to each connection:
// whoever relays the body frames it again (and may change its length by appending a notice).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
]);

/**
 * Creates the client for the operator-configured upstream model API. Every call goes through
 * {@link createOutboundAgent} with `allowPrivateNetwork: true`: the upstream is chosen by the
 * operator, not by a request, and is usually a local vLLM or Ollama on localhost.
 *
 * Timeouts: a non-streaming call must complete within `timeoutMs`; a streaming call must deliver
 * its headers within `timeoutMs` (which covers waiting for a pooled socket and connecting), and
 * after that no gap between two body chunks may exceed `timeoutMs` (undici's body timeout), so
 * a long but live generation is never cut.
 *
 * @example
 * const upstream = createUpstreamClient({ baseUrl: 'http://127.0.0.1:8000', timeoutMs: 60_000, connectTimeoutMs: 5_000, maxConnections: 128 });
 * const res = await upstream.chatCompletion(JSON.stringify(request), { stream: false, requestId });
 * const failure = upstreamFailure(res); if (failure) throw failure;
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const base = normalizeUpstreamBaseUrl(options.baseUrl);
  const url = new URL(base);
  const origin = url.origin;
  const prefix = url.pathname.replace(/\/+$/, '');
  const query = url.search;
  const agent = createOutboundAgent({
    allowPrivateNetwork: true,
    connectTimeoutMs: options.connectTimeoutMs,
    maxConnections: options.maxConnections,
  });
  const authorization = options.apiKey === undefined ? undefined : `Bearer ${options.apiKey}`;

  function headersFor(accept: string, extra?: Record<string, string>): Record<string, string> {
    // Built from scratch: nothing from the client's request (its Rampart key above all) is copied.
    const headers: Record<string, string> = { accept, 'accept-encoding': 'identity', ...extra };
    if (authorization !== undefined) headers.authorization = authorization;
    return headers;
  }

  async function exchange(input: {
    method: 'GET' | 'POST';
    path: string;
    headers: Record<string, string>;
    body?: string;
    stream: boolean;
    timeoutMs: number;
    signal?: AbortSignal | undefined;
  }): Promise<UpstreamResponse> {
    const { signal, timeoutMs } = input;
    signal?.throwIfAborted();
    // One controller carries both reasons to stop: our deadline and the client going away.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new UpstreamDeadlineError(timeoutMs)), timeoutMs);
    const onClientAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onClientAbort, { once: true });
    const release = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onClientAbort);
    };
    const fail = (thrown: unknown): never => {
      release();
      if (signal?.aborted === true) throw signal.reason;
      throw toUpstreamError(thrown);
    };

    let res: Dispatcher.ResponseData;
    try {
      res = await agent.request({
        origin,
        path: `${prefix}${input.path}${query}`,
        method: input.method,
        headers: input.headers,
        body: input.body ?? null,
        signal: controller.signal,
        // Backstops to the deadline above; bodyTimeout is the idle gap allowed between chunks.
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (thrown) {
      return fail(thrown);
    }
    const status = res.statusCode;
    const headers = endToEndHeaders(res.headers);
    const encoding = headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      // We asked for identity. A compressed body would pass the output scanner unread.
      discard(res.body);
      return fail(new SystemError('RAMPART_E_UPSTREAM_ERROR', `The upstream model API sent a ${encoding}-encoded response although none was accepted.`));
    }
    if (input.stream && status < 400) {
      clearTimeout(timer); // from here undici's bodyTimeout bounds each gap between chunks
      res.body.once('close', release);
      return { status, headers, body: res.body };
    }
    try {
      const text = await readText(res.body, MAX_TEXT_BYTES);
      release();
      return { status, headers, body: text };
    } catch (thrown) {
      return fail(thrown);
    }
  }

  const client: UpstreamClient = {
    baseUrl: base,
    chatCompletion(body, { stream, signal, requestId }) {
      return exchange({
        method: 'POST',
        path: '/chat/completions',
        headers: headersFor(stream ? 'text/event-stream' : 'application/json', { 'content-type': 'application/json', 'x-request-id': requestId }),
        body,
        stream,
        timeoutMs: options.timeoutMs,
        signal,
      });
    },
    async listModels() {
      const res = await exchange({ method: 'GET', path: '/models', headers: headersFor('application/json'), stream: false, timeoutMs: options.timeoutMs });
      const failure = res.status >= 300 ? upstreamStatusError(res) : undefined;
      if (failure !== undefined) throw failure;
      return modelIds(res.body as string);
    },
    async ping(pingOptions) {
      const timeoutMs = pingOptions?.timeoutMs ?? Math.min(options.timeoutMs, PING_TIMEOUT_MS);
      const res = await exchange({ method: 'GET', path: '/models', headers: headersFor('application/json'), stream: false, timeoutMs });
      const failure = res.status >= 300 ? upstreamStatusError(res) : undefined;
      if (failure !== undefined) throw failure;
    },
    async close() {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
      });
      const outcome = await Promise.race([agent.close().then(() => 'closed' as const), grace]);
      clearTimeout(timer);
      if (outcome === 'late') await agent.destroy();
    },
  };
  return client;
}

/**
 * Normalizes the configured base URL: drops a trailing slash and appends `/v1` when no path
 * segment is `v1` (so `http://host:8000`, `http://host:8000/` and `http://host:8000/v1/` all
 * become `http://host:8000/v1`, while `https://gw.example.com/openai/v1` is kept).
 * Refuses what cannot work rather than guessing: a scheme other than http(s), and credentials in
 * the URL (use `upstream.apiKey`).
 *
 * @example
 * normalizeUpstreamBaseUrl('http://localhost:8000') // 'http://localhost:8000/v1'
 */
export function normalizeUpstreamBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new UserError('RAMPART_E_CONFIG_INVALID', `upstream.url is not a valid URL: ${baseUrl}`, { cause, param: 'upstream.url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError('RAMPART_E_CONFIG_INVALID', `upstream.url must use http or https, not ${url.protocol}`, { param: 'upstream.url' });
  }
  if (url.username !== '' || url.password !== '') {
    throw new UserError('RAMPART_E_CONFIG_INVALID', 'upstream.url must not contain credentials; set upstream.apiKey instead.', { param: 'upstream.url' });
  }
  url.hash = '';
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (!segments.includes('v1')) segments.push('v1');
  url.pathname = `/${segments.join('/')}`;
  return url.toString();
}

function modelIds(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new SystemError('RAMPART_E_UPSTREAM_ERROR', 'The upstream model API answered GET /v1/models with invalid JSON.', { cause });
  }
  const data = isRecord(parsed) ? parsed.data : undefined;
  if (!Array.isArray(data)) throw new SystemError('RAMPART_E_UPSTREAM_ERROR', 'The upstream model API answered GET /v1/models without a data array.');
  return data.flatMap((entry: unknown) => (isRecord(entry) && typeof entry.id === 'string' ? [entry.id] : []));
}

function endToEndHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const listed = new Set<string>();
  const connection = raw.connection;
  for (const value of Array.isArray(connection) ? connection : connection === undefined ? [] : [connection]) {
    for (const token of value.split(',')) listed.add(token.trim().toLowerCase());
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const key = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(key) || listed.has(key)) continue;
    out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function readText(body: Readable, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      discard(body);
      throw new SystemError('RAMPART_E_UPSTREAM_ERROR', `The upstream model API response exceeds ${maxBytes} bytes.`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
}

/** Drops a body we will not read; the socket is closed rather than drained. */
function discard(body: Readable): void {
  body.on('error', () => undefined).destroy();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
