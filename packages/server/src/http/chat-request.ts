import { z } from 'zod';
import { TOOL_DEFINITIONS_ROLE, UserError, type ChatMessageText } from '@rampart/core';

/**
 * The OpenAI chat-completions request, as far as Rampart needs to understand it. Messages are
 * `loose`: fields we do not read are forwarded intact, because clients send provider-specific
 * extras inside messages. Top-level fields are a closed list (see KNOWN_FIELDS): an unknown one
 * is refused unless `server.unknownFields: allow`, since a field we do not know is a field we
 * cannot reason about.
 */

const TextPart = z.object({ type: z.literal('text'), text: z.string() }).loose();
const OtherPart = z.object({ type: z.string() }).loose();
const ContentPart = z.union([TextPart, OtherPart]);

const ToolCall = z
  .object({
    id: z.string().optional(),
    type: z.string().optional(),
    function: z.object({ name: z.string(), arguments: z.string() }).loose(),
  })
  .loose();

export const ChatMessage = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
    content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
    name: z.string().optional(),
    tool_calls: z.array(ToolCall).optional(),
    tool_call_id: z.string().optional(),
  })
  .loose();
export type ChatMessage = z.infer<typeof ChatMessage>;

export const KNOWN_FIELDS = [
  'model', 'messages', 'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'max_tokens',
  'max_completion_tokens', 'n', 'presence_penalty', 'response_format', 'seed', 'service_tier', 'stop',
  'stream', 'stream_options', 'temperature', 'top_p', 'tools', 'tool_choice', 'parallel_tool_calls', 'user',
  'functions', 'function_call', 'modalities', 'audio', 'prediction', 'reasoning_effort', 'metadata', 'store',
  'web_search_options', 'verbosity', 'prompt_cache_key', 'safety_identifier',
] as const;

export const ChatRequest = z
  .object({
    model: z.string().min(1),
    messages: z.array(ChatMessage).min(1),
    stream: z.boolean().optional(),
    tools: z.array(z.unknown()).optional(),
  })
  .loose();
export type ChatRequest = z.infer<typeof ChatRequest>;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text, decoded once per request: the parser, the upstream call and the review
 * queue all use this string. Invalid UTF-8 is refused rather than replaced, so what is scanned
 * is exactly what would be forwarded.
 */
export function decodeRequestBody(bytes: Uint8Array): string {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    throw new UserError('RAMPART_E_REQUEST_INVALID_UTF8', 'The request body is not valid UTF-8.');
  }
}

/**
 * Parses and validates a decoded request body. Each failure is its own error code so a client
 * can tell broken JSON from a wrong shape (and, with decodeRequestBody, from a broken encoding).
 */
export function parseChatRequest(text: string, unknownFields: 'reject' | 'allow'): ChatRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError('RAMPART_E_REQUEST_MALFORMED_JSON', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UserError('RAMPART_E_REQUEST_INVALID_BODY', 'The request body must be a JSON object.');
  }
  if (unknownFields === 'reject') {
    const unknown = Object.keys(json).filter((key) => !(KNOWN_FIELDS as readonly string[]).includes(key));
    if (unknown.length > 0) {
      throw new UserError('RAMPART_E_REQUEST_UNKNOWN_FIELD', `Unknown request field(s): ${unknown.join(', ')}.`, {
        param: unknown[0] as string,
      });
    }
  }
  const parsed = ChatRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new UserError('RAMPART_E_REQUEST_INVALID_BODY', `Invalid request: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`, {
      param: path || 'body',
      details: parsed.error.issues.slice(1, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  return parsed.data;
}

/**
 * Everything in a request that reaches the model as text: every message (tool results
 * included) and, as one extra entry after them, the tool definitions' names and descriptions —
 * a tool description is as much an injection channel as a tool result.
 */
export function chatTexts(request: ChatRequest): ChatMessageText[] {
  const texts = messageTexts(request.messages);
  const tools = (request.tools ?? [])
    .map((tool) => {
      const fn = (tool as { function?: { name?: unknown; description?: unknown } } | null)?.function;
      return [fn?.name, fn?.description].filter((part): part is string => typeof part === 'string').join(': ');
    })
    .filter((line) => line.length > 0);
  if (tools.length > 0) texts.push({ role: TOOL_DEFINITIONS_ROLE, content: tools.join('\n'), toolCallArguments: [] });
  return texts;
}

/** The text Rampart scans in each message: text parts joined, tool results included. */
export function messageTexts(messages: readonly ChatMessage[]): ChatMessageText[] {
  return messages.map((message) => {
    const content = message.content;
    let text = '';
    if (typeof content === 'string') text = content;
    else if (Array.isArray(content)) {
      text = content
        .map((part) => (part.type === 'text' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
        .filter((t) => t.length > 0)
        .join('\n');
    }
    const toolCallArguments = (message.tool_calls ?? []).map((call) => call.function.arguments);
    // The deprecated single `function_call` carries arguments the same way.
    const legacy = (message as { function_call?: { arguments?: unknown } }).function_call?.arguments;
    if (typeof legacy === 'string') toolCallArguments.push(legacy);
    return { role: message.role, content: text, toolCallArguments };
  });
}
