import type { Readable } from 'node:stream';
import { createSseRelay } from '../upstream/sse-relay.js';

/**
 * Turns the upstream's SSE body into the web stream the HTTP layer sends, event by event and
 * byte for byte, with optional injected events (warn notices, guide mitigations) before
 * `[DONE]`. Pull-based, so a slow client applies back-pressure to the upstream connection.
 * A failure mid-stream ends the client's stream: the status line has already been sent.
 */
export function relayStream(body: Readable, inject: (() => string[]) | undefined): ReadableStream<Uint8Array> {
  const relay = createSseRelay(inject === undefined ? {} : { inject });
  const iterator = relay.relay(body)[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.(undefined);
      body.destroy();
    },
  });
}
