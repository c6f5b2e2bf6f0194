// The floor for the HTTP figures: the same stack as the gateway (Hono on @hono/node-server,
// an undici pool to the upstream) with no safeguards at all — it reads the body and forwards it.
// `node bench/bare-proxy.js <upstream-url>` prints "listening on <url>".
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Pool } from 'undici';

const upstream = new URL(process.argv[2]);
const pool = new Pool(upstream.origin, { connections: 128, keepAliveTimeout: 30_000 });
const app = new Hono();
app.post('/v1/chat/completions', async (c) => {
  const body = await c.req.text();
  const res = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return c.body(await res.body.text(), res.statusCode, { 'content-type': 'application/json' });
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening on http://127.0.0.1:${info.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
