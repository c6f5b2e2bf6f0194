import { SystemError } from '@rampart/core';

export interface SseRelayOptions {
  /**
   * Called once, when the relay reaches the upstream's `data: [DONE]` event (or the end of a
   * stream that never sends one); each returned string is emitted as a `data:` event just
   * before it. Called lazily so it can depend on what `onEvent` has observed so far.
   */
  inject?: () => string[];
  /**
   * Called with every `data:` payload (multi-line data joined with `\n`, as an EventSource would),
   * in order, `[DONE]` included, before the event's bytes are handed on. Injected events are not
   * reported. An unterminated final event is reported too: a lenient client might still parse it,
   * so an observer scanning content must see it.
   */
  onEvent?: (data: string) => void;
  /** Largest single event held while waiting for its end (default 8 MiB); more fails the stream. */
  maxEventBytes?: number;
}

/**
 * An incremental relay of a `text/event-stream` body. It forwards the upstream's bytes unaltered
 * and in order, but only in whole events: each output holds the complete events finished so far,
 * so nothing downstream ever sees half an event (or half a UTF-8 character). Injected events are
 * inserted only at event boundaries.
 *
 * Use it as an async generator over Buffer chunks (`relay(source)`, which composes with
 * `stream.pipeline`, `Readable.from` and web `ReadableStream.from`), or drive `push`/`end` yourself.
 */
export interface SseRelay {
  /** Feeds upstream bytes; returns the bytes of the events they complete (often empty). */
  push(chunk: Uint8Array): Buffer;
  /** The upstream ended: returns pending injected events and any unterminated trailing bytes. */
  end(): Buffer;
  /** Relays a whole body; yields only non-empty Buffers. */
  relay(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer, void, undefined>;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const EMPTY = Buffer.alloc(0);
const DONE = '[DONE]';

/**
 * Creates a relay for one stream (it is stateful: one per response).
 *
 * Parsing follows the WHATWG EventSource rules: lines end in `\r\n`, `\n` or `\r` (a `\r\n` split
 * across two chunks counts once), a blank line ends an event, `:` lines are comments, a leading
 * UTF-8 BOM is ignored, and `data` lines are joined with `\n`. Blank-line-separated blocks without
 * data (comments used as keep-alives) are forwarded as soon as they end, like any event.
 *
 * @example
 * const relay = createSseRelay({ onEvent: (d) => (text += deltaText(d)), inject: () => [JSON.stringify(notice)] });
 * await pipeline(upstream.body, relay.relay, res);
 */
export function createSseRelay(options: SseRelayOptions = {}): SseRelay {
  const { inject, onEvent } = options;
  const maxEventBytes = options.maxEventBytes ?? 8 * 1024 * 1024;
  let pending: Buffer = EMPTY; // bytes of the event in progress, from its first byte
  let scanFrom = 0; // where scanning resumes in `pending`
  let lineStart = 0; // start of the current line in `pending`
  let skipLf = false; // the previous chunk ended in \r: a leading \n completes that terminator
  let firstLine = true;
  let data: string | undefined; // data buffer of the event in progress
  let injected = inject === undefined;

  function injection(): Buffer {
    injected = true;
    const payloads = inject?.() ?? [];
    if (payloads.length === 0) return EMPTY;
    let text = '';
    for (const payload of payloads) {
      // A payload containing a line break would otherwise end the event early; split it into
      // several data lines, which a client joins back with \n.
      for (const line of payload.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
      text += '\n';
    }
    return Buffer.from(text, 'utf8');
  }

  /** Interprets one complete line; returns true when it is blank (the event ends). */
  function line(buf: Buffer, start: number, end: number): boolean {
    if (firstLine) {
      firstLine = false;
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    }
    if (end === start) return true;
    if (buf[start] === COLON) return false; // comment
    // Only the `data` field matters here; `event`, `id` and `retry` pass through untouched.
    if (end - start < 4 || buf[start] !== 0x64 || buf[start + 1] !== 0x61 || buf[start + 2] !== 0x74 || buf[start + 3] !== 0x61) return false;
    let valueStart = start + 4;
    if (valueStart < end) {
      if (buf[valueStart] !== COLON) return false; // a longer field name such as `database`
      valueStart += 1;
      if (valueStart < end && buf[valueStart] === SPACE) valueStart += 1;
    }
    const value = buf.toString('utf8', valueStart, end);
    data = data === undefined ? value : `${data}\n${value}`;
    return false;
  }

  /** Reports the finished event; returns true when it is the [DONE] sentinel. */
  function dispatch(): boolean {
    const payload = data;
    data = undefined;
    if (payload === undefined) return false;
    onEvent?.(payload);
    return payload === DONE;
  }

  function push(chunk: Uint8Array): Buffer {
    if (chunk.length === 0) return EMPTY;
    const incoming = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = pending.length === 0 ? incoming : Buffer.concat([pending, incoming]);
    const length = buf.length;
    let i = scanFrom;
    let emitFrom = 0; // start of bytes not yet handed on
    let eventStart = 0; // start of the event in progress
    if (skipLf) {
      skipLf = false;
      if (buf[i] === LF) {
        // The \n completes the \r that ended the previous line. When that line closed an event,
        // the \n is handed on with it, so an injected event never lands between \r and \n.
        if (i === 0) eventStart = 1;
        i += 1;
        lineStart = i;
      }
    }
    const out: Buffer[] = [];
    while (i < length) {
      const byte = buf[i];
      if (byte !== LF && byte !== CR) {
        i += 1;
        continue;
      }
      const lineEnd = i;
      if (byte === CR) {
        if (i + 1 < length) i += buf[i + 1] === LF ? 2 : 1;
        else {
          i += 1;
          skipLf = true;
        }
      } else {
        i += 1;
      }
      const blank = line(buf, lineStart, lineEnd);
      lineStart = i;
      if (!blank) continue;
      if (dispatch() && !injected) {
        out.push(buf.subarray(emitFrom, eventStart), injection());
        emitFrom = eventStart;
      }
      eventStart = i;
    }
    if (eventStart > emitFrom) out.push(buf.subarray(emitFrom, eventStart));
    pending = buf.subarray(eventStart);
    scanFrom = length - eventStart;
    lineStart -= eventStart;
    if (pending.length > maxEventBytes) {
      throw new SystemError('RAMPART_E_UPSTREAM_ERROR', `The upstream model API sent a stream event larger than ${maxEventBytes} bytes.`);
    }
    if (out.length === 0) return EMPTY;
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }

  function end(): Buffer {
    const tail = pending;
    if (tail.length > lineStart) line(tail, lineStart, tail.length); // the unterminated last line
    dispatch();
    pending = EMPTY;
    scanFrom = 0;
    lineStart = 0;
    // Injected events go before any unterminated trailing bytes, never glued onto them.
    const extra = injected ? EMPTY : injection();
    if (extra.length === 0) return tail;
    return tail.length === 0 ? extra : Buffer.concat([extra, tail]);
  }

  async function* relay(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer, void, undefined> {
    for await (const chunk of source) {
      const out = push(chunk);
      if (out.length > 0) yield out;
    }
    const tail = end();
    if (tail.length > 0) yield tail;
  }

  return { push, end, relay };
}

/**
 * The text a `chat.completion.chunk` payload adds: `choices[0].delta.content`. Returns '' for
 * anything else (`[DONE]`, a role or finish chunk, a tool-call delta, malformed JSON); never
 * throws. A payload without an `object` field is accepted, as some compatible servers omit it.
 *
 * @example
 * deltaText('{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}') // 'Hi'
 */
export function deltaText(dataPayload: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(dataPayload);
  } catch {
    return '';
  }
  if (typeof parsed !== 'object' || parsed === null) return '';
  const chunk = parsed as { object?: unknown; choices?: unknown };
  if (chunk.object !== undefined && chunk.object !== 'chat.completion.chunk') return '';
  if (!Array.isArray(chunk.choices)) return '';
  const first: unknown = chunk.choices[0];
  if (typeof first !== 'object' || first === null) return '';
  const delta = (first as { delta?: unknown }).delta;
  if (typeof delta !== 'object' || delta === null) return '';
  const content = (delta as { content?: unknown }).content;
  return typeof content === 'string' ? content : '';
}
