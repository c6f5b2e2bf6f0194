import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstream, type DemoUpstream } from './demo-upstream.js';

let demo: DemoUpstream;

beforeAll(async () => {
  demo = await startDemoUpstream();
});
afterAll(async () => {
  await demo.close();
});

async function chat(body: unknown): Promise<Response> {
  return fetch(`${demo.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
}

/** Parses an SSE body into its data payloads, checking the framing on the way. */
function dataEvents(text: string): string[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      expect(event.includes('\n')).toBe(false);
      return event.slice('data: '.length);
    });
}

describe('startDemoUpstream', () => {
  it('listens on loopback and returns a /v1 base URL', () => {
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('lists its two models', async () => {
    const res = await fetch(`${demo.url}/models`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; data: Array<{ id: string; object: string; owned_by: string; created: number }> };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(['demo-model', 'demo-restricted']);
    expect(body.data.every((m) => m.object === 'model' && m.owned_by === 'rampart-demo' && Number.isInteger(m.created))).toBe(true);
  });

  it('answers a non-streaming completion deterministically with word-count usage', async () => {
    const res = await chat({ model: 'demo-model', messages: [{ role: 'system', content: 'Be nice.' }, { role: 'user', content: 'Hello there, demo!' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as Record<string, any>;
    expect(body.id).toMatch(/^chatcmpl-demo-\d+$/);
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('demo-model');
    expect(body.choices[0].message).toEqual({ role: 'assistant', content: 'This is Rampart\'s demo model (not a real LLM). You said: "Hello there, demo!"', refusal: null });
    expect(body.choices[0].finish_reason).toBe('stop');
    const completionWords = body.choices[0].message.content.split(/\s+/).length;
    expect(body.usage).toEqual({ prompt_tokens: 5, completion_tokens: completionWords, total_tokens: 5 + completionWords });
  });

  it('quotes at most 200 characters, from array content too, and names the restricted model', async () => {
    const long = 'x'.repeat(500);
    const res = await chat({ model: 'demo-restricted', messages: [{ role: 'user', content: [{ type: 'text', text: long }] }] });
    const body = (await res.json()) as Record<string, any>;
    expect(body.choices[0].message.content).toBe(`This is Rampart's restricted demo model (not a real LLM). You said: "${'x'.repeat(200)}"`);
  });

  it('streams chat.completion.chunk events: role, word chunks, finish, usage, [DONE]', async () => {
    const messages = [{ role: 'user', content: 'one two three four five six seven' }];
    const res = await chat({ model: 'demo-model', messages, stream: true, stream_options: { include_usage: true } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = dataEvents(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as Record<string, any>);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'demo-model')).toBe(true);
    expect(chunks[0]?.choices[0].delta.role).toBe('assistant');
    const usageChunk = chunks.at(-1) as Record<string, any>;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage.prompt_tokens).toBe(7);
    const finish = chunks.at(-2) as Record<string, any>;
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const pieces = chunks.slice(1, -2).map((c) => c.choices[0].delta.content as string);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join('')).toBe('This is Rampart\'s demo model (not a real LLM). You said: "one two three four five six seven"');
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);

    const plain = dataEvents(await (await chat({ model: 'demo-model', messages, stream: true })).text());
    expect(plain.slice(0, -1).every((e) => !('usage' in (JSON.parse(e) as object)))).toBe(true);
  });

  const tools = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
    { type: 'function', function: { name: 'send_email', parameters: { type: 'object', properties: {} } } },
  ];

  it('calls a tool the user names, then acknowledges the tool result (round trip)', async () => {
    const user = { role: 'user', content: 'Please use send_email to reach Bob.' };
    const first = (await (await chat({ model: 'demo-model', messages: [user], tools })).json()) as Record<string, any>;
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    const assistant = first.choices[0].message;
    expect(assistant.content).toBeNull();
    expect(assistant.tool_calls).toHaveLength(1);
    expect(assistant.tool_calls[0]).toMatchObject({ type: 'function', function: { name: 'send_email', arguments: '{}' } });
    const callId = assistant.tool_calls[0].id as string;

    const second = (await (
      await chat({ model: 'demo-model', tools, messages: [user, assistant, { role: 'tool', tool_call_id: callId, content: 'sent' }] })
    ).json()) as Record<string, any>;
    expect(second.choices[0].finish_reason).toBe('stop');
    expect(second.choices[0].message.content).toContain('tool result');
    expect(second.choices[0].message.content).toContain(callId);
    expect(second.choices[0].message.content).toContain('"sent"');
  });

  it('streams a tool call as tool_calls deltas', async () => {
    const res = await chat({ model: 'demo-model', stream: true, tools, messages: [{ role: 'user', content: 'what does GET_WEATHER say?' }] });
    const chunks = dataEvents(await res.text())
      .slice(0, -1)
      .map((e) => JSON.parse(e) as Record<string, any>);
    const deltas = chunks.map((c) => c.choices[0].delta);
    expect(deltas[1].tool_calls[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas[2].tool_calls[0].function.arguments).toBe('{}');
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('tool_calls');
  });

  it('does not call tools when the user names none or tool_choice is none', async () => {
    const none = (await (await chat({ model: 'demo-model', tools, messages: [{ role: 'user', content: 'hi' }] })).json()) as Record<string, any>;
    expect(none.choices[0].finish_reason).toBe('stop');
    const off = (await (await chat({ model: 'demo-model', tools, tool_choice: 'none', messages: [{ role: 'user', content: 'send_email' }] })).json()) as Record<string, any>;
    expect(off.choices[0].finish_reason).toBe('stop');
  });

  it.each([
    ['malformed JSON', '{"model":', 400, null],
    ['a non-object body', '[1,2]', 400, null],
    ['a missing model', { messages: [{ role: 'user', content: 'x' }] }, 400, null],
    ['missing messages', { model: 'demo-model' }, 400, null],
    ['an unknown model', { model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] }, 404, 'model_not_found'],
  ])('rejects %s with an OpenAI-format error', async (_name, body, status, code) => {
    const res = await chat(body);
    expect(res.status).toBe(status);
    const error = ((await res.json()) as { error: { message: string; type: string; code: string | null } }).error;
    expect(error.type).toBe('invalid_request_error');
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.code).toBe(code);
  });

  it('answers unknown routes and methods with errors', async () => {
    expect((await fetch(`${demo.url}/embeddings`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(5_000) })).status).toBe(404);
    expect((await fetch(`${demo.url}/chat/completions`, { signal: AbortSignal.timeout(5_000) })).status).toBe(405);
  });

  it('closes promptly even with pooled keep-alive sockets', async () => {
    const other = await startDemoUpstream({ port: 0 });
    await (await fetch(`${other.url}/models`, { signal: AbortSignal.timeout(5_000) })).text();
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
