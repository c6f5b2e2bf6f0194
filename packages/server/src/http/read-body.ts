import { UserError } from '@rampart/core';

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over the limit is refused
 * before reading; a chunked body is counted as it arrives and refused the moment it passes the
 * limit, so an oversized upload never sits in memory.
 */
export async function readBodyWithLimit(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(limit: number): UserError {
  return new UserError('RAMPART_E_REQUEST_TOO_LARGE', `The request body is larger than the ${limit}-byte limit (server.bodyLimitBytes).`);
}

/**
 * Reads the body straight from Node's IncomingMessage when the app runs on @hono/node-server.
 * Going through `c.req.raw.body` would first build a WHATWG Request and a web stream around the
 * socket, which measured ~0.3 ms per request — more than all the safeguard layers together.
 */
export async function readNodeBody(incoming: AsyncIterable<Buffer> & { headers: Record<string, string | string[] | undefined> }, limit: number): Promise<Uint8Array> {
  const declared = incoming.headers['content-length'];
  if (typeof declared === 'string' && Number(declared) > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of incoming) {
    total += chunk.byteLength;
    if (total > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}
