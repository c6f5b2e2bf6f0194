import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { RampartError } from '@rampart/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoUpstream } from '../demo/demo-upstream.js';
import { createSseRelay, deltaText } from './sse-relay.js';
import { toUpstreamError } from './to-upstream-error.js';
import { createUpstreamClient, normalizeUpstreamBaseUrl, type UpstreamClient } from './upstream-client.js';
import { upstreamFailure } from './upstream-failure.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];
const clients: UpstreamClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise((resolve) => {
          s.closeAllConnections();
          s.close(resolve);
        }),
    ),
  );
});

async function fakeUpstream(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client(baseUrl: string, extra: { apiKey?: string; timeoutMs?: number } = {}): UpstreamClient {
  const c = createUpstreamClient({ baseUrl, timeoutMs: extra.timeoutMs ?? 5_000, connectTimeoutMs: 1_000, maxConnections: 4, ...(extra.apiKey === undefined ? {} : { apiKey: extra.apiKey }) });
  clients.push(c);
  return c;
}

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('normalizeUpstreamBaseUrl', () => {
  it.each([
    ['http://127.0.0.1:8000', 'http://127.0.0.1:8000/v1'],
    ['http://127.0.0.1:8000/', 'http://127.0.0.1:8000/v1'],
    ['http://127.0.0.1:8000/v1', 'http://127.0.0.1:8000/v1'],
    ['http://127.0.0.1:8000/v1/', 'http://127.0.0.1:8000/v1'],
    ['https://gw.example.com/openai/v1', 'https://gw.example.com/openai/v1'],
    ['https://gw.example.com/proxy', 'https://gw.example.com/proxy/v1'],
    ['https://gw.example.com/v1/deployments/x', 'https://gw.example.com/v1/deployments/x'],
    ['https://gw.example.com/v10', 'https://gw.example.com/v10/v1'],
    ['http://[::1]:8000', 'http://[::1]:8000/v1'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeUpstreamBaseUrl(input)).toBe(expected);
  });

  it.each(['not a url', 'ftp://host/v1', 'http://user:secret@host/v1'])('refuses %s as a configuration error', (input) => {
    expect(() => normalizeUpstreamBaseUrl(input)).toThrow(RampartError);
    try {
      normalizeUpstreamBaseUrl(input);
    } catch (error) {
      expect((error as RampartError).code).toBe('RAMPART_E_CONFIG_INVALID');
      expect((error as RampartError).fault).toBe('user');
      expect((error as RampartError).message).not.toContain('secret');
    }
  });
});

describe('createUpstreamClient', () => {
  it('POSTs the body to <base>/v1/chat/completions with the upstream key and request id, and returns the text', async () => {
    let seen: { url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    const base = await fakeUpstream((req, res, body) => {
      seen = { url: req.url, headers: req.headers, body };
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes', connection: 'keep-alive, x-drop-me', 'keep-alive': 'timeout=5', 'x-drop-me': '1' });
      res.end('{"ok":true}');
    });
    const upstream = client(`${base}/proxy`, { apiKey: 'sk-upstream' });
    expect(upstream.baseUrl).toBe(`${base}/proxy/v1`);
    const res = await upstream.chatCompletion('{"model":"m"}', { stream: false, requestId: 'req-1' });
    expect(res).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(seen.url).toBe('/proxy/v1/chat/completions');
    expect(seen.body).toBe('{"model":"m"}');
    expect(seen.headers?.authorization).toBe('Bearer sk-upstream');
    expect(seen.headers?.['x-request-id']).toBe('req-1');
    expect(seen.headers?.['content-type']).toBe('application/json');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-upstream']).toBe('yes');
    for (const dropped of ['connection', 'keep-alive', 'x-drop-me', 'content-length', 'transfer-encoding']) expect(res.headers).not.toHaveProperty(dropped);
  });

  it('sends no authorization header without an apiKey', async () => {
    let authorization: string | undefined = 'unset';
    const base = await fakeUpstream((req, res) => {
      authorization = req.headers.authorization;
      res.end('{}');
    });
    await client(base).chatCompletion('{}', { stream: false, requestId: 'r' });
    expect(authorization).toBeUndefined();
  });

  it('returns a stream body for a streaming request, chunk by chunk', async () => {
    const base = await fakeUpstream((req, res) => {
      expect(req.headers.accept).toBe('text/event-stream');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"a":1}\n\n');
      setTimeout(() => res.end('data: [DONE]\n\n'), 20);
    });
    const res = await client(base).chatCompletion('{}', { stream: true, requestId: 'r' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(typeof res.body).not.toBe('string');
    expect(await readAll(res.body as Readable)).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
  });

  it('passes 4xx answers through as text, even for a streaming request', async () => {
    const base = await fakeUpstream((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"max_tokens is too large","type":"invalid_request_error"}}');
    });
    const res = await client(base).chatCompletion('{}', { stream: true, requestId: 'r' });
    expect(res.status).toBe(400);
    expect(res.body).toBe('{"error":{"message":"max_tokens is too large","type":"invalid_request_error"}}');
    expect(upstreamFailure(res)).toBeUndefined();
  });

  it.each([
    ['{"error":{"message":"model overloaded"}}', 'model overloaded'],
    ['{"object":"error","message":"vLLM engine dead","type":"InternalServerError"}', 'vLLM engine dead'],
    ['{"detail":"FastAPI says no"}', 'FastAPI says no'],
    ['Bad Gateway\r\n<html>', 'Bad Gateway <html>'],
  ])('returns a 5xx with its status; upstreamFailure maps it to RAMPART_E_UPSTREAM_ERROR (%s)', async (body, message) => {
    const base = await fakeUpstream((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(body);
    });
    const res = await client(base).chatCompletion('{}', { stream: false, requestId: 'r' });
    expect(res.status).toBe(503);
    const failure = upstreamFailure(res);
    expect(failure?.code).toBe('RAMPART_E_UPSTREAM_ERROR');
    expect(failure?.status).toBe(502);
    expect(failure?.message).toBe(`The upstream model API answered 503: ${message}`);
  });

  it('fails with RAMPART_E_UPSTREAM_TIMEOUT (504) when headers do not arrive in time', async () => {
    const base = await fakeUpstream(() => {
      // never answers
    });
    const started = Date.now();
    const error = await rejection(client(base, { timeoutMs: 200 }).chatCompletion('{}', { stream: true, requestId: 'r' }));
    expect(error).toBeInstanceOf(RampartError);
    expect((error as RampartError).code).toBe('RAMPART_E_UPSTREAM_TIMEOUT');
    expect((error as RampartError).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times out a non-streaming answer whose body stalls', async () => {
    const base = await fakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const error = await rejection(client(base, { timeoutMs: 200 }).chatCompletion('{}', { stream: false, requestId: 'r' }));
    expect((error as RampartError).code).toBe('RAMPART_E_UPSTREAM_TIMEOUT');
  });

  it('applies the timeout between stream chunks, not to the whole stream', async () => {
    const base = await fakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let n = 0;
      const tick = setInterval(() => {
        n += 1;
        if (n <= 6) res.write(`data: ${n}\n\n`);
        else {
          clearInterval(tick);
          res.end('data: [DONE]\n\n');
        }
      }, 60);
    });
    const res = await client(base, { timeoutMs: 250 }).chatCompletion('{}', { stream: true, requestId: 'r' });
    const text = await readAll(res.body as Readable); // ~420 ms in total, longer than the timeout
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('fails a stream that goes idle with an error toUpstreamError maps to a timeout', async () => {
    const base = await fakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    });
    const res = await client(base, { timeoutMs: 200 }).chatCompletion('{}', { stream: true, requestId: 'r' });
    const error = await rejection(readAll(res.body as Readable));
    expect(toUpstreamError(error).code).toBe('RAMPART_E_UPSTREAM_TIMEOUT');
  });

  it('fails with RAMPART_E_UPSTREAM_UNREACHABLE (502) when the connection is refused', async () => {
    const base = await fakeUpstream(() => undefined);
    const server = servers.pop() as Server;
    await new Promise((resolve) => server.close(resolve));
    const error = await rejection(client(base).chatCompletion('{}', { stream: false, requestId: 'r' }));
    expect((error as RampartError).code).toBe('RAMPART_E_UPSTREAM_UNREACHABLE');
    expect((error as RampartError).status).toBe(502);
    expect((error as RampartError).message).not.toContain('127.0.0.1');
  });

  it('fails with RAMPART_E_UPSTREAM_UNREACHABLE when the upstream resets the connection', async () => {
    const base = await fakeUpstream((req) => req.socket.destroy());
    const error = await rejection(client(base).chatCompletion('{}', { stream: false, requestId: 'r' }));
    expect((error as RampartError).code).toBe('RAMPART_E_UPSTREAM_UNREACHABLE');
  });

  it('refuses a compressed answer it did not ask for (the output scanner could not read it)', async () => {
    let acceptEncoding: string | undefined;
    const base = await fakeUpstream((req, res) => {
      acceptEncoding = req.headers['accept-encoding'];
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end('not really gzip');
    });
    const error = await rejection(client(base).chatCompletion('{}', { stream: true, requestId: 'r' }));
    expect(acceptEncoding).toBe('identity');
    expect((error as RampartError).code).toBe('RAMPART_E_UPSTREAM_ERROR');
  });

  it('rejects with the abort reason when the caller aborts (not an upstream failure)', async () => {
    const base = await fakeUpstream(() => undefined);
    const controller = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => controller.abort(reason), 50);
    const error = await rejection(client(base).chatCompletion('{}', { stream: false, requestId: 'r', signal: controller.signal }));
    expect(error).toBe(reason);
  });

  it('lists models and pings', async () => {
    let authorization: string | undefined;
    const base = await fakeUpstream((req, res) => {
      authorization = req.headers.authorization;
      expect(req.url).toBe('/v1/models');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'a', object: 'model' }, { id: 'b' }, { nope: 1 }] }));
    });
    const upstream = client(`${base}/v1/`, { apiKey: 'k' });
    expect(await upstream.listModels()).toEqual(['a', 'b']);
    await expect(upstream.ping()).resolves.toBeUndefined();
    expect(authorization).toBe('Bearer k');
  });

  it('fails listModels and ping on an error status, bad JSON or no answer', async () => {
    const base = await fakeUpstream((req, res) => {
      if (req.headers['x-never'] !== undefined) return;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"bad key"}}');
    });
    const upstream = client(base);
    await expect(upstream.listModels()).rejects.toMatchObject({ code: 'RAMPART_E_UPSTREAM_ERROR', message: 'The upstream model API answered 401: bad key' });
    await expect(upstream.ping()).rejects.toMatchObject({ code: 'RAMPART_E_UPSTREAM_ERROR' });

    const junk = await fakeUpstream((_req, res) => res.end('<html>'));
    await expect(client(junk).listModels()).rejects.toMatchObject({ code: 'RAMPART_E_UPSTREAM_ERROR' });

    const silent = await fakeUpstream(() => undefined);
    const started = Date.now();
    await expect(client(silent, { timeoutMs: 60_000 }).ping({ timeoutMs: 150 })).rejects.toMatchObject({ code: 'RAMPART_E_UPSTREAM_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reuses pooled keep-alive connections', async () => {
    const sockets = new Set<unknown>();
    const base = await fakeUpstream((req, res) => {
      sockets.add(req.socket);
      res.end('{}');
    });
    const upstream = client(base);
    for (let i = 0; i < 5; i++) {
      await upstream.chatCompletion('{}', { stream: false, requestId: String(i) });
      await delay(5);
    }
    expect(sockets.size).toBe(1);
  });
});

describe('createUpstreamClient against the demo upstream', () => {
  it('streams through the SSE relay, reassembling the text and injecting before [DONE]', async () => {
    const demo = await startDemoUpstream();
    try {
      const upstream = client(demo.url);
      expect(await upstream.listModels()).toEqual(['demo-model', 'demo-restricted']);
      const body = JSON.stringify({ model: 'demo-model', stream: true, messages: [{ role: 'user', content: 'Grüße 🙂 from the test' }] });
      const res = await upstream.chatCompletion(body, { stream: true, requestId: 'r' });
      let text = '';
      const relay = createSseRelay({ onEvent: (d) => (text += deltaText(d)), inject: () => ['{"notice":true}'] });
      const out: Buffer[] = [];
      for await (const b of relay.relay(res.body as Readable)) out.push(b);
      expect(text).toBe(`This is Rampart's demo model (not a real LLM). You said: "Grüße 🙂 from the test"`);
      expect(Buffer.concat(out).toString().endsWith('data: {"notice":true}\n\ndata: [DONE]\n\n')).toBe(true);
    } finally {
      await demo.close();
    }
  });
});
