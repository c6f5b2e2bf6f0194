import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoUpstream {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  readonly url: string;
  close(): Promise<void>;
}

const MODELS = ['demo-model', 'demo-restricted'] as const;
/** Fixed so `GET /v1/models` is byte-for-byte deterministic. */
const CREATED = 1_735_689_600;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const QUOTE_CHARS = 200;
const WORDS_PER_CHUNK = 3;

const MODELS_BODY = JSON.stringify({
  object: 'list',
  data: MODELS.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'rampart-demo' })),
});

/**
 * Starts a small, real OpenAI-compatible HTTP server that answers deterministically. It is what
 * `rampart serve` forwards to when no upstream is configured, so the whole gateway (streaming,
 * tool calls, rerouting to `demo-restricted`) can be tried with no model and no network. It is
 * also the baseline of the latency benchmark, so it does no logging and adds no delay.
 *
 * - `GET /v1/models`: `demo-model` and `demo-restricted`.
 * - `POST /v1/chat/completions`: echoes the first 200 characters of the last user message; when
 *   `tools` are offered and the user names one, it calls that tool with `{}`; after a `tool`
 *   message it acknowledges the result. `stream: true` answers with `chat.completion.chunk` SSE
 *   events (role, a few word chunks, finish, optional usage, `[DONE]`).
 * Usage counts are whitespace-separated words, not tokens.
 *
 * @example
 * const demo = await startDemoUpstream();
 * const upstream = createUpstreamClient({ baseUrl: demo.url, timeoutMs: 5000, connectTimeoutMs: 1000, maxConnections: 16 });
 */
export async function startDemoUpstream(options: { host?: string; port?: number } = {}): Promise<DemoUpstream> {
  const host = options.host ?? '127.0.0.1';
  let counter = 0;
  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    route(req, res, () => (counter += 1)).catch((error: unknown) => {
      // Only reachable through a bug; answer like an upstream would rather than hang the socket.
      if (!res.headersSent) sendError(res, 500, { message: `demo upstream error: ${String(error)}`, type: 'server_error' });
      else res.destroy();
    });
  });
  // Longer than undici's 4 s idle default so the gateway, not the demo, decides when to drop a
  // pooled socket (no race between a reused socket and the server closing it).
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 31_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}/v1`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Answers are immediate, so anything still open after a moment is a stuck client.
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      });
      return closing;
    },
  };
}

async function route(req: IncomingMessage, res: ServerResponse, nextId: () => number): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path === '/v1/models' || path === '/v1/models/') {
    if (req.method !== 'GET') return methodNotAllowed(req, res, 'GET');
    req.resume();
    return sendJson(res, 200, MODELS_BODY);
  }
  if (path?.startsWith('/v1/models/') === true) {
    if (req.method !== 'GET') return methodNotAllowed(req, res, 'GET');
    req.resume();
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    if (!isModel(id)) return modelNotFound(res, id);
    return sendJson(res, 200, JSON.stringify({ id, object: 'model', created: CREATED, owned_by: 'rampart-demo' }));
  }
  if (path === '/v1/chat/completions') {
    if (req.method !== 'POST') return methodNotAllowed(req, res, 'POST');
    return chatCompletions(req, res, nextId);
  }
  req.resume();
  return sendError(res, 404, { message: `Unknown route ${req.method ?? ''} ${path ?? ''}`, type: 'invalid_request_error', code: 'unknown_url' });
}

interface ChatMessage {
  role: string;
  content?: unknown;
  tool_call_id?: unknown;
}

interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

type Answer = { content: string; toolCall?: undefined } | { content: null; toolCall: ToolCall };

async function chatCompletions(req: IncomingMessage, res: ServerResponse, nextId: () => number): Promise<void> {
  const raw = await readBody(req);
  if (raw === undefined) return sendError(res, 413, { message: `Request body exceeds ${MAX_BODY_BYTES} bytes.`, type: 'invalid_request_error' });
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return sendError(res, 400, { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error' });
  }
  if (!isRecord(body)) return sendError(res, 400, { message: 'The request body must be a JSON object.', type: 'invalid_request_error' });
  if (typeof body.model !== 'string') return sendError(res, 400, { message: "Missing required parameter: 'model'.", type: 'invalid_request_error', param: 'model' });
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0 || !messages.every((m) => isRecord(m) && typeof m.role === 'string')) {
    return sendError(res, 400, { message: "'messages' must be a non-empty array of messages with a 'role'.", type: 'invalid_request_error', param: 'messages' });
  }
  const model = body.model;
  if (!isModel(model)) return modelNotFound(res, model);

  const n = nextId();
  const id = `chatcmpl-demo-${n}`;
  const created = Math.floor(Date.now() / 1000);
  const chat = messages as ChatMessage[];
  const answer = answerFor({ model, messages: chat, tools: body.tools, toolChoice: body.tool_choice, n });
  const promptTokens = chat.reduce((sum, m) => sum + wordCount(textOf(m.content)), 0);
  const completionTokens = answer.toolCall === undefined ? wordCount(answer.content) : 1;
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const finishReason = answer.toolCall === undefined ? 'stop' : 'tool_calls';

  if (body.stream === true) {
    const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    return sendStream(res, { id, created, model, answer, finishReason, usage: includeUsage ? usage : undefined });
  }
  const message = answer.toolCall === undefined
    ? { role: 'assistant', content: answer.content, refusal: null }
    : { role: 'assistant', content: null, refusal: null, tool_calls: [answer.toolCall] };
  return sendJson(
    res,
    200,
    JSON.stringify({ id, object: 'chat.completion', created, model, choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }], usage }),
  );
}

function answerFor(input: { model: string; messages: ChatMessage[]; tools: unknown; toolChoice: unknown; n: number }): Answer {
  const { model, messages } = input;
  const last = messages[messages.length - 1] as ChatMessage;
  const who = model === 'demo-restricted' ? "Rampart's restricted demo model" : "Rampart's demo model";
  if (last.role === 'tool') {
    const callId = typeof last.tool_call_id === 'string' ? ` for ${last.tool_call_id}` : '';
    return { content: `This is ${who} (not a real LLM). I received the tool result${callId}: "${quote(textOf(last.content))}"` };
  }
  const lastUser = findLast(messages, (m) => m.role === 'user');
  const said = lastUser === undefined ? '' : textOf(lastUser.content);
  if (last.role === 'user') {
    const tool = chosenTool(input.tools, input.toolChoice, said);
    if (tool !== undefined) return { content: null, toolCall: { id: `call_demo_${input.n}`, type: 'function', function: { name: tool, arguments: '{}' } } };
  }
  return { content: `This is ${who} (not a real LLM). You said: "${quote(said)}"` };
}

/** The tool to call: a forced one (`tool_choice`), else the first offered tool the user names. */
function chosenTool(tools: unknown, toolChoice: unknown, said: string): string | undefined {
  if (!Array.isArray(tools) || tools.length === 0 || toolChoice === 'none') return undefined;
  const names = tools.flatMap((t: unknown) => (isRecord(t) && isRecord(t.function) && typeof t.function.name === 'string' && t.function.name !== '' ? [t.function.name] : []));
  if (isRecord(toolChoice) && isRecord(toolChoice.function) && typeof toolChoice.function.name === 'string') {
    return names.includes(toolChoice.function.name) ? toolChoice.function.name : undefined;
  }
  const lower = said.toLowerCase();
  const mentioned = names.find((name) => lower.includes(name.toLowerCase()));
  return mentioned ?? (toolChoice === 'required' ? names[0] : undefined);
}

function sendStream(
  res: ServerResponse,
  input: { id: string; created: number; model: string; answer: Answer; finishReason: string; usage: Record<string, number> | undefined },
): void {
  const { id, created, model, answer, usage } = input;
  // With include_usage, OpenAI sends `usage: null` on every chunk and the totals on a last,
  // choice-less chunk; without it the field is absent.
  // The envelope is the same for every chunk, so it is serialized once; the output is exactly
  // what JSON.stringify of the whole chunk object would give (same keys, same order).
  const head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":[{"index":0,"delta":`;
  const tail = usage === undefined ? '}\n\n' : ',"usage":null}\n\n';
  const event = (delta: Record<string, unknown>, finishReason: string | null): string =>
    `${head}${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finishReason === null ? 'null' : JSON.stringify(finishReason)}}]${tail}`;

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  // Writes in one tick are coalesced by Node (the socket is corked until the next tick), so the
  // separate events cost no extra packets; they still arrive as separate chunked-encoding chunks.
  res.write(event({ role: 'assistant', content: '', refusal: null }, null));
  if (answer.toolCall === undefined) {
    for (const piece of wordChunks(answer.content, WORDS_PER_CHUNK)) res.write(event({ content: piece }, null));
  } else {
    const call = answer.toolCall;
    res.write(event({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, null));
    res.write(event({ tool_calls: [{ index: 0, function: { arguments: call.function.arguments } }] }, null));
  }
  res.write(event({}, input.finishReason));
  if (usage !== undefined) {
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: null, choices: [], usage })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

/** Splits text into pieces of a few words that concatenate back to exactly the text. */
function wordChunks(text: string, wordsPerChunk: number): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) pieces.push(words.slice(i, i + wordsPerChunk).join(''));
  return pieces;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.flatMap((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? [part.text] : [])).join('\n');
}

/** The first characters (code points, so an emoji is never cut in half). */
function quote(text: string): string {
  if (text.length <= QUOTE_CHARS) return text;
  return Array.from(text).slice(0, QUOTE_CHARS).join('');
}

function wordCount(text: string): number {
  let count = 0;
  for (const word of text.split(/\s+/)) if (word !== '') count += 1;
  return count;
}

function findLast<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as T;
    if (predicate(item)) return item;
  }
  return undefined;
}

/** The body as text, or undefined when it exceeds the limit (the rest is discarded). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  }
  if (tooLarge) return undefined;
  return chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

function isModel(id: string): boolean {
  return (MODELS as readonly string[]).includes(id);
}

function modelNotFound(res: ServerResponse, model: string): void {
  sendError(res, 404, { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allow: string): void {
  req.resume();
  res.setHeader('allow', allow);
  sendError(res, 405, { message: `Method ${req.method ?? ''} not allowed; use ${allow}.`, type: 'invalid_request_error' });
}

function sendError(res: ServerResponse, status: number, error: { message: string; type: string; param?: string; code?: string }): void {
  sendJson(res, status, JSON.stringify({ error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code ?? null } }));
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
