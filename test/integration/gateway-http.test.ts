import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, userMessage, type GatewayFixture } from '../helpers/gateway-fixture.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const actionsConfig = {
  pipeline: { rules: { packs: [fixture('actions-pack.yaml')] } },
  policy: { file: fixture('actions-policy.yaml') },
};

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { message: string; type: string; code: string; param: string | null } };
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(typeof body.error.type).toBe('string');
  return body.error;
}

describe('gateway over HTTP', () => {
  let gw: GatewayFixture;
  let standard: string;

  beforeAll(async () => {
    gw = await startGateway(actionsConfig);
    standard = await gw.key();
  });
  afterAll(async () => gw.close());

  describe('access control', () => {
    it('401 without a key, in OpenAI error format', async () => {
      const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe('RAMPART_E_AUTH_MISSING_KEY');
      expect(res.headers.get('x-rampart-request-id')).toMatch(/^req_/);
    });

    it('401 for an unknown key and for a forged secret on a real key id', async () => {
      const unknown = await gw.chat('rk_aaaaaaaaaaaaaaaa_' + 'A'.repeat(43), userMessage('hi'));
      expect(unknown.status).toBe(401);
      expect((await errorOf(unknown)).code).toBe('RAMPART_E_AUTH_INVALID_KEY');
      const [prefix, id] = standard.split('_');
      const forged = await gw.chat(`${prefix}_${id}_${'B'.repeat(43)}`, userMessage('hi'));
      expect(forged.status).toBe(401);
      expect((await errorOf(forged)).code).toBe('RAMPART_E_AUTH_INVALID_KEY');
      const garbage = await gw.chat('not-a-key', userMessage('hi'));
      expect(garbage.status).toBe(401);
    });

    it('401 for a revoked key (immediately) and an expired key', async () => {
      const key = await gw.key();
      expect((await gw.chat(key, userMessage('hello'))).status).toBe(200);
      const id = key.split('_')[1] as string;
      await gw.rt.keys.revoke(id);
      const revoked = await gw.chat(key, userMessage('hello'));
      expect(revoked.status).toBe(401);
      expect((await errorOf(revoked)).code).toBe('RAMPART_E_AUTH_REVOKED_KEY');

      const expiring = await gw.rt.keys.create({ name: 'short', tier: 'standard', scopes: ['chat'], expiresAt: new Date(Date.now() + 1500).toISOString() });
      expect((await gw.chat(expiring.key, userMessage('hello'))).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1600));
      const expired = await gw.chat(expiring.key, userMessage('hello'));
      expect(expired.status).toBe(401);
      expect((await errorOf(expired)).code).toBe('RAMPART_E_AUTH_EXPIRED_KEY');
    });

    it('403 for a wrong scope and for a model outside the allow-list', async () => {
      const reviewer = await gw.key({ scopes: ['review'] });
      const res = await gw.chat(reviewer, userMessage('hello'));
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe('RAMPART_E_AUTH_FORBIDDEN_SCOPE');
      const admin = await fetch(`${gw.url}/admin/keys`, { headers: { authorization: `Bearer ${standard}` } });
      expect(admin.status).toBe(403);
      const limited = await gw.key({ models: ['demo-restricted'] });
      const wrongModel = await gw.chat(limited, userMessage('hello'));
      expect(wrongModel.status).toBe(403);
      expect((await errorOf(wrongModel)).code).toBe('RAMPART_E_AUTH_FORBIDDEN_MODEL');
      const models = (await (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${limited}` } })).json()) as { data: Array<{ id: string }> };
      expect(models.data.map((m) => m.id)).toEqual(['demo-restricted']);
    });
  });

  describe('the six actions', () => {
    it('allow: served unchanged', async () => {
      const res = await gw.chat(standard, userMessage('What is the capital of France?'));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-rampart-decision')).toBe('allow');
      const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
      expect(body.choices[0]?.message.content).toContain('demo model');
    });

    it('warn: served with a notice', async () => {
      const res = await gw.chat(standard, userMessage('please zebra-warn now'));
      expect(res.headers.get('x-rampart-decision')).toBe('warn');
      const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
      expect(body.choices[0]?.message.content).toContain('Marker warning notice.');
    });

    it('guide: served with a defensive system instruction upstream and mitigations appended', async () => {
      const res = await gw.chat(standard, userMessage('please zebra-guide now'));
      expect(res.headers.get('x-rampart-decision')).toBe('guide');
      const content = ((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content ?? '';
      expect(content).toContain('Mitigation: patch and monitor.');
    });

    it('reroute: served by the restricted model', async () => {
      const res = await gw.chat(standard, userMessage('please zebra-reroute now'));
      expect(res.headers.get('x-rampart-decision')).toBe('reroute');
      expect(res.headers.get('x-rampart-rerouted-to')).toBe('demo-restricted');
      const body = (await res.json()) as { model: string; choices: Array<{ message: { content: string } }> };
      expect(body.model).toBe('demo-restricted');
    });

    it('review: held with a ticket; a reviewer approves; the requester collects the answer', async () => {
      const res = await gw.chat(standard, userMessage('please zebra-review now'));
      expect(res.headers.get('x-rampart-decision')).toBe('review');
      const reviewId = res.headers.get('x-rampart-review-id');
      expect(reviewId).toMatch(/^rv_/);
      const body = (await res.json()) as { choices: Array<{ finish_reason: string; message: { content: string } }> };
      expect(body.choices[0]?.finish_reason).toBe('content_filter');
      expect(body.choices[0]?.message.content).toContain(reviewId as string);

      const reviewer = await gw.key({ scopes: ['review'], tier: 'internal' });
      const auth = { authorization: `Bearer ${reviewer}` };
      const queue = (await (await fetch(`${gw.url}/admin/reviews?status=pending`, { headers: auth })).json()) as { data: Array<{ id: string }> };
      expect(queue.data.map((r) => r.id)).toContain(reviewId);
      const approve = await fetch(`${gw.url}/admin/reviews/${reviewId}/approve`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"note":"ok"}' });
      expect(approve.status).toBe(200);
      const again = await fetch(`${gw.url}/admin/reviews/${reviewId}/approve`, { method: 'POST', headers: auth });
      expect(again.status).toBe(409);
      const collected = (await (await fetch(`${gw.url}/v1/rampart/reviews/${reviewId}`, { headers: { authorization: `Bearer ${standard}` } })).json()) as { status: string; response: { choices: unknown[] } };
      expect(collected.status).toBe('approved');
      expect(collected.response.choices.length).toBe(1);
      const other = await gw.key();
      expect((await fetch(`${gw.url}/v1/rampart/reviews/${reviewId}`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(404);
    });

    it('block: never sent upstream; OpenAI-shaped refusal naming the reason code', async () => {
      const res = await gw.chat(standard, userMessage('please zebra-block now'));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-rampart-decision')).toBe('block');
      const body = (await res.json()) as { choices: Array<{ finish_reason: string; message: { content: string } }> };
      expect(body.choices[0]?.finish_reason).toBe('content_filter');
      expect(body.choices[0]?.message.content).toContain('test.block');
      const requestId = res.headers.get('x-rampart-request-id');
      const records = await gw.auditRecords();
      expect(records.find((r) => r['requestId'] === requestId && r['type'] === 'decision')?.['action']).toBe('block');
      expect(records.some((r) => r['requestId'] === requestId && r['type'] === 'outcome')).toBe(false);
    });

    it('block as a stream: SSE refusal ending in [DONE]', async () => {
      const res = await gw.chat(standard, userMessage('zebra-block', 'demo-model', { stream: true }));
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const text = await res.text();
      expect(text).toContain('"finish_reason":"content_filter"');
      expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    });

    it('hold-for-review keys are held even for benign requests; shadow keys are served but logged', async () => {
      const onboarding = await gw.key({ holdForReview: true });
      const held = await gw.chat(onboarding, userMessage('What is the capital of France?'));
      expect(held.headers.get('x-rampart-decision')).toBe('review');
      const shadow = await gw.key({ shadow: true });
      const served = await gw.chat(shadow, userMessage('please zebra-block now'));
      expect(served.headers.get('x-rampart-decision')).toBe('allow');
      expect(served.headers.get('x-rampart-shadow-decision')).toBe('block');
      const requestId = served.headers.get('x-rampart-request-id');
      const record = (await gw.auditRecords()).find((r) => r['requestId'] === requestId && r['type'] === 'decision');
      expect(record?.['action']).toBe('block');
      expect(record?.['enforced']).toBe('allow');
    });
  });

  describe('streaming and tools', () => {
    it('passes SSE through with its framing intact', async () => {
      const body = userMessage('Tell me about the weather', 'demo-model', { stream: true });
      const direct = await (await fetch(`${gw.rt.demoUpstreamUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).text();
      const res = await gw.chat(standard, body);
      expect(res.headers.get('x-rampart-decision')).toBe('allow');
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const through = await res.text();
      const shape = (s: string) => s.split('\n\n').filter(Boolean).map((e) => (e === 'data: [DONE]' ? e : JSON.parse(e.slice(6)).choices));
      expect(shape(through)).toEqual(shape(direct));
      expect(through.endsWith('data: [DONE]\n\n')).toBe(true);
    });

    it('warn notices are injected into a stream before [DONE]', async () => {
      const res = await gw.chat(standard, userMessage('zebra-warn', 'demo-model', { stream: true }));
      const text = await res.text();
      expect(text).toContain('Marker warning notice.');
      expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    });

    it('passes tools, tool_calls and tool messages through, and scans tool results', async () => {
      const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
      const first = await gw.chat(standard, { model: 'demo-model', tools, tool_choice: 'auto', messages: [{ role: 'user', content: 'call get_weather please' }] });
      const answer = (await first.json()) as { choices: Array<{ message: { tool_calls: Array<{ id: string; function: { name: string } }> } }> };
      const call = answer.choices[0]?.message.tool_calls[0];
      expect(call?.function.name).toBe('get_weather');
      const followUp = {
        model: 'demo-model',
        tools,
        messages: [
          { role: 'user', content: 'call get_weather please' },
          { role: 'assistant', content: null, tool_calls: [{ id: call?.id, type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: call?.id, content: 'Sunny. zebra-block' },
        ],
      };
      const res = await gw.chat(standard, followUp);
      expect(res.headers.get('x-rampart-decision')).toBe('block');
    });

    it('scans tool definitions: an instruction hidden in a tool description is caught', async () => {
      const poisoned = [{ type: 'function', function: { name: 'lookup', description: 'Looks things up. zebra-block', parameters: { type: 'object', properties: {} } } }];
      const res = await gw.chat(standard, { model: 'demo-model', tools: poisoned, messages: [{ role: 'user', content: 'What is the capital of France?' }] });
      expect(res.headers.get('x-rampart-decision')).toBe('block');
    });
  });

  describe('bad input', () => {
    async function decisionsFor(requestId: string | null) {
      return (await gw.auditRecords()).filter((r) => r['requestId'] === requestId);
    }

    it.each([
      ['malformed JSON', '{"model": "demo-model", "messages": [', 400, 'RAMPART_E_REQUEST_MALFORMED_JSON'],
      ['missing messages', '{"model":"demo-model"}', 400, 'RAMPART_E_REQUEST_INVALID_BODY'],
      ['unknown field', '{"model":"demo-model","messages":[{"role":"user","content":"hi"}],"bogus":1}', 400, 'RAMPART_E_REQUEST_UNKNOWN_FIELD'],
      ['unknown model', '{"model":"no-such-model","messages":[{"role":"user","content":"hi"}]}', 404, 'RAMPART_E_MODEL_NOT_FOUND'],
      ['a JSON array', '[1,2]', 400, 'RAMPART_E_REQUEST_INVALID_BODY'],
    ])('%s → %i %s, and no decision is logged', async (_name, body, status, code) => {
      const res = await gw.chat(standard, body);
      expect(res.status).toBe(status);
      expect((await errorOf(res)).code).toBe(code);
      expect(await decisionsFor(res.headers.get('x-rampart-request-id'))).toEqual([]);
    });

    it('invalid UTF-8 → 400', async () => {
      const bytes = Buffer.concat([Buffer.from('{"model":"demo-model","messages":[{"role":"user","content":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]);
      const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${standard}`, 'content-type': 'application/json' }, body: bytes });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe('RAMPART_E_REQUEST_INVALID_UTF8');
    });

    it('oversized body → 413', async () => {
      const res = await gw.chat(standard, userMessage('x'.repeat(1024 * 1024 + 10)));
      expect(res.status).toBe(413);
      expect((await errorOf(res)).code).toBe('RAMPART_E_REQUEST_TOO_LARGE');
    });

    it('too many messages → 400 and the block is audited', async () => {
      const messages = Array.from({ length: 300 }, () => ({ role: 'user', content: 'hi' }));
      const res = await gw.chat(standard, { model: 'demo-model', messages });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe('RAMPART_E_LIMIT_TOO_MANY_MESSAGES');
      const records = await decisionsFor(res.headers.get('x-rampart-request-id'));
      expect(records[0]?.['action']).toBe('block');
    });

    it('unknown routes → 404 in OpenAI format', async () => {
      const res = await fetch(`${gw.url}/v1/nope`);
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('RAMPART_E_ROUTE_NOT_FOUND');
    });
  });

  describe('operations', () => {
    it('healthz, readyz and metrics', async () => {
      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${gw.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { checks: unknown }).checks).toEqual({ store: 'ok', upstream: 'ok' });
      expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
      const admin = await gw.key({ scopes: ['admin'], tier: 'internal' });
      const metrics = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
      expect(metrics).toContain('rampart_requests_total{decision="block"');
      expect(metrics).toContain('rampart_layer_duration_seconds_bucket{le=');
      expect(metrics).toContain('rampart_upstream_duration_seconds');
    });

    it('admin API creates, lists and revokes keys', async () => {
      const admin = await gw.key({ scopes: ['admin'], tier: 'internal' });
      const auth = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
      const created = await fetch(`${gw.url}/admin/keys`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'api-made', tier: 'standard', scopes: ['chat'] }) });
      expect(created.status).toBe(201);
      const { key, id } = (await created.json()) as { key: string; id: string };
      expect((await gw.chat(key, userMessage('hello'))).status).toBe(200);
      const list = (await (await fetch(`${gw.url}/admin/keys`, { headers: auth })).json()) as { data: Array<Record<string, unknown>> };
      const listed = list.data.find((k) => k['id'] === id);
      expect(listed).toBeDefined();
      expect(listed).not.toHaveProperty('secretHash');
      expect((await fetch(`${gw.url}/admin/keys/${id}`, { method: 'DELETE', headers: auth })).status).toBe(200);
      expect((await gw.chat(key, userMessage('hello'))).status).toBe(401);
      const bad = await fetch(`${gw.url}/admin/keys`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'x', tier: 'root' }) });
      expect(bad.status).toBe(400);
    });
  });
});

describe('upstream failures', () => {
  let fake: Server;
  let fakeUrl: string;
  beforeAll(async () => {
    fake = createServer((req, res) => {
      if (req.url === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'slow' }, { id: 'broken' }] }));
        return;
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const model = (JSON.parse(body) as { model: string }).model;
        if (model === 'broken') res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"boom"}}');
        else setTimeout(() => res.writeHead(200).end('{}'), 2000);
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    fake.closeAllConnections();
    await new Promise((resolve) => fake.close(resolve));
  });

  it('a timeout → 504 and a 5xx → 502, with the decision audited', async () => {
    const gw = await startGateway({ upstream: { url: fakeUrl, timeoutMs: 300, models: ['slow', 'broken'] } });
    try {
      const key = await gw.key();
      const slow = await gw.chat(key, userMessage('hello', 'slow'));
      expect(slow.status).toBe(504);
      expect((await errorOf(slow)).code).toBe('RAMPART_E_UPSTREAM_TIMEOUT');
      const broken = await gw.chat(key, userMessage('hello', 'broken'));
      expect(broken.status).toBe(502);
      expect((await errorOf(broken)).code).toBe('RAMPART_E_UPSTREAM_ERROR');
      const records = await gw.auditRecords();
      for (const res of [slow, broken]) {
        const mine = records.filter((r) => r['requestId'] === res.headers.get('x-rampart-request-id'));
        expect(mine.map((r) => r['type'])).toEqual(['decision', 'outcome']);
        expect(mine[0]?.['action']).toBe('allow');
      }
    } finally {
      await gw.close();
    }
  });
});
