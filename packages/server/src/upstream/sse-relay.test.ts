import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createSseRelay, deltaText } from './sse-relay.js';

function chunk(content: string, extra = ''): string {
  return JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] }) + extra;
}

/** A realistic OpenAI-style stream with multi-byte characters, a comment and a multi-line event. */
function realisticStream(eol: string): string {
  return [
    `: keep-alive${eol}${eol}`,
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })}${eol}${eol}`,
    `data: ${chunk('Grüße, ')}${eol}${eol}`,
    `data: ${chunk('日本語 ')}${eol}${eol}`,
    `event: message${eol}data: ${chunk('🙂 emoji')}${eol}${eol}`,
    `data: first line${eol}data: second line${eol}${eol}`,
    `data: ${chunk('!')}${eol}${eol}`,
    `data: [DONE]${eol}${eol}`,
  ].join('');
}

function run(chunks: Buffer[], options: Parameters<typeof createSseRelay>[0] = {}): { outputs: Buffer[]; events: string[] } {
  const events: string[] = [];
  const relay = createSseRelay({ ...options, onEvent: (d) => events.push(d) });
  const outputs: Buffer[] = [];
  for (const c of chunks) {
    const out = relay.push(c);
    if (out.length > 0) outputs.push(out);
  }
  const tail = relay.end();
  if (tail.length > 0) outputs.push(tail);
  return { outputs, events };
}

function splitAt(bytes: Buffer, positions: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (const p of positions) {
    parts.push(bytes.subarray(from, p));
    from = p;
  }
  parts.push(bytes.subarray(from));
  return parts;
}

/** Deterministic PRNG (mulberry32) so a failure is reproducible. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const expectedEvents = (() => {
  const whole = run([Buffer.from(realisticStream('\n'))]).events;
  return whole;
})();

describe('createSseRelay', () => {
  it('parses data payloads as an EventSource would', () => {
    expect(expectedEvents).toHaveLength(7);
    expect(expectedEvents[4]).toBe('first line\nsecond line');
    expect(expectedEvents[6]).toBe('[DONE]');
    expect(expectedEvents.map(deltaText).join('')).toBe('Grüße, 日本語 🙂 emoji!');
  });

  for (const eol of ['\n', '\r\n', '\r']) {
    const name = JSON.stringify(eol);
    const bytes = Buffer.from(realisticStream(eol));

    it(`passes ${name} streams through byte-exactly when split at every position (two chunks)`, () => {
      for (let p = 0; p <= bytes.length; p++) {
        const { outputs, events } = run(splitAt(bytes, [p]));
        expect(Buffer.concat(outputs).equals(bytes)).toBe(true);
        expect(events).toEqual(expectedEvents);
      }
    });

    it(`passes ${name} streams through byte-exactly for random chunkings and single bytes`, () => {
      const next = random(eol.length * 7919);
      for (let round = 0; round < 200; round++) {
        const cuts = new Set<number>();
        const count = 1 + Math.floor(next() * 12);
        for (let k = 0; k < count; k++) cuts.add(Math.floor(next() * bytes.length));
        const { outputs, events } = run(splitAt(bytes, [...cuts].sort((a, b) => a - b)));
        expect(Buffer.concat(outputs).equals(bytes)).toBe(true);
        expect(events).toEqual(expectedEvents);
      }
      const singles = [...bytes].map((b) => Buffer.from([b]));
      const { outputs, events } = run(singles);
      expect(Buffer.concat(outputs).equals(bytes)).toBe(true);
      expect(events).toEqual(expectedEvents);
    });

    it(`hands on only whole events for ${name} (every output ends at an event boundary)`, () => {
      for (let p = 1; p < bytes.length; p++) {
        const { outputs } = run(splitAt(bytes, [p]));
        for (const out of outputs) {
          const text = out.toString('utf8');
          expect(text.includes('\uFFFD')).toBe(false); // never half a UTF-8 character
          // A \r\n split between chunks: the \r closes the event, its \n follows with the next output.
          const whole = text.endsWith(eol + eol) || (eol === '\r\n' && (text.endsWith('\r\n\r') || text === '\n'));
          expect(whole, JSON.stringify(text.slice(-20))).toBe(true);
        }
      }
    });

    it(`injects events right before [DONE] for ${name} at every split position`, () => {
      const notice = chunk('[notice]');
      const doneAt = bytes.indexOf(`data: [DONE]`);
      for (let p = 0; p <= bytes.length; p++) {
        const { outputs, events } = run(splitAt(bytes, [p]), { inject: () => [notice] });
        const joined = Buffer.concat(outputs);
        const injected = Buffer.from(`data: ${notice}\n\n`);
        // Wherever the split falls (even between a \r and its \n), the injected event sits exactly
        // at the first byte of the [DONE] event.
        const expected = Buffer.concat([bytes.subarray(0, doneAt), injected, bytes.subarray(doneAt)]);
        expect(joined.equals(expected)).toBe(true);
        expect(events).toEqual(expectedEvents);
      }
    });
  }

  it('injects at the end when the upstream never sends [DONE]', () => {
    const body = `data: ${chunk('a')}\n\ndata: ${chunk('b')}\n\n`;
    const { outputs } = run([Buffer.from(body)], { inject: () => ['{"x":1}', '{"y":2}'] });
    expect(Buffer.concat(outputs).toString()).toBe(`${body}data: {"x":1}\n\ndata: {"y":2}\n\n`);
  });

  it('puts injected events before unterminated trailing bytes, and still reports them', () => {
    const body = `data: ${chunk('a')}\n\ndata: ${chunk('tail')}`;
    const { outputs, events } = run([Buffer.from(body)], { inject: () => ['{"x":1}'] });
    const complete = `data: ${chunk('a')}\n\n`;
    expect(Buffer.concat(outputs).toString()).toBe(`${complete}data: {"x":1}\n\ndata: ${chunk('tail')}`);
    expect(events.map(deltaText)).toEqual(['a', 'tail']);
  });

  it('calls inject lazily, once, and splits payload line breaks into data lines', () => {
    let calls = 0;
    const seen: string[] = [];
    const relay = createSseRelay({
      onEvent: (d) => seen.push(d),
      inject: () => {
        calls += 1;
        return [`seen ${seen.length}\nsecond`];
      },
    });
    const first = relay.push(Buffer.from('data: a\n\ndata: [DONE]\n\n'));
    expect(first.toString()).toBe('data: a\n\ndata: seen 2\ndata: second\n\ndata: [DONE]\n\n');
    expect(relay.push(Buffer.from('data: [DONE]\n\n')).toString()).toBe('data: [DONE]\n\n');
    expect(relay.end().length).toBe(0);
    expect(calls).toBe(1);
  });

  it('does not inject between a \\r and its \\n split across chunks', () => {
    const { outputs } = run([Buffer.from('data: a\r\n\r'), Buffer.from('\ndata: [DONE]\r\n\r\n')], { inject: () => ['{}'] });
    expect(Buffer.concat(outputs).toString()).toBe('data: a\r\n\r\ndata: {}\n\ndata: [DONE]\r\n\r\n');
  });

  it('handles the field rules: no space, other fields, comments, BOM, empty data', () => {
    const { events } = run([Buffer.from('\uFEFFdata:x\n\nevent: e\nid: 1\nretry: 5\ndatabase: no\n\n: comment\n\ndata\n\ndata: [DONE]\n\n')]);
    expect(events).toEqual(['x', '', '[DONE]']);
  });

  it('bounds an event that never ends', () => {
    const relay = createSseRelay({ maxEventBytes: 1024 });
    expect(() => relay.push(Buffer.alloc(2048, 0x61))).toThrow(/larger than 1024/);
  });

  it('relays an async iterable of chunks as an async generator', async () => {
    const bytes = Buffer.from(realisticStream('\r\n'));
    const source = Readable.from(splitAt(bytes, [3, 50, 51, 120, 200]));
    const relay = createSseRelay({ inject: () => ['{"n":1}'] });
    const out: Buffer[] = [];
    for await (const b of relay.relay(source)) out.push(b);
    expect(out.every((b) => b.length > 0)).toBe(true);
    expect(Buffer.concat(out).toString()).toContain('data: {"n":1}\n\ndata: [DONE]\r\n\r\n');
  });
});

describe('deltaText', () => {
  it('extracts choices[0].delta.content', () => {
    expect(deltaText(chunk('Hello'))).toBe('Hello');
    expect(deltaText('{"choices":[{"delta":{"content":"no object field"}}]}')).toBe('no object field');
  });

  it.each([
    '[DONE]',
    '',
    'not json',
    'null',
    '42',
    '"str"',
    '{}',
    '{"choices":null}',
    '{"choices":[]}',
    '{"choices":[null]}',
    '{"choices":[{"delta":null}]}',
    '{"choices":[{"delta":{"content":null}}]}',
    '{"choices":[{"delta":{"content":5}}]}',
    '{"choices":[{"delta":{"role":"assistant"}}]}',
    '{"object":"chat.completion","choices":[{"delta":{"content":"x"}}]}',
  ])('returns empty for %s', (payload) => {
    expect(deltaText(payload)).toBe('');
  });
});
