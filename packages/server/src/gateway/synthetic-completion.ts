/**
 * Answers Rampart writes itself (a block or a hold for review), in the OpenAI chat format so
 * unmodified clients keep working: an assistant message carrying the refusal, with
 * `finish_reason: "content_filter"`, as one JSON object or as an SSE stream for `stream: true`.
 */
export interface SyntheticAnswer {
  readonly requestId: string;
  readonly model: string;
  readonly content: string;
  readonly rampart: Record<string, unknown>;
}

export function syntheticCompletion(answer: SyntheticAnswer): string {
  return JSON.stringify({
    id: `chatcmpl-${answer.requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: answer.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answer.content, refusal: answer.content },
        logprobs: null,
        finish_reason: 'content_filter',
      },
    ],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    rampart: answer.rampart,
  });
}

export function syntheticStream(answer: SyntheticAnswer): string {
  const base = { id: `chatcmpl-${answer.requestId}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: answer.model };
  const events = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: answer.content }, logprobs: null, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'content_filter' }], rampart: answer.rampart },
  ];
  return `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')}data: [DONE]\n\n`;
}

/** A chunk carrying extra assistant text (a warning notice or defensive guidance) in a stream. */
export function noticeChunk(input: { requestId: string; model: string; text: string }): string {
  return JSON.stringify({
    id: `chatcmpl-${input.requestId}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: input.model,
    choices: [{ index: 0, delta: { content: input.text }, logprobs: null, finish_reason: null }],
  });
}

/**
 * Appends text to every choice of a non-streamed completion. Returns the original body when it
 * is not a completion we understand: serving the model's answer unchanged beats failing it.
 */
export function appendToCompletion(body: string, text: string): string {
  try {
    const json = JSON.parse(body) as { choices?: Array<{ message?: { content?: unknown } }> };
    if (!Array.isArray(json.choices)) return body;
    for (const choice of json.choices) {
      const message = choice.message;
      if (message !== undefined && (typeof message.content === 'string' || message.content === null || message.content === undefined)) {
        message.content = `${typeof message.content === 'string' ? message.content : ''}${text}`;
      }
    }
    return JSON.stringify(json);
  } catch {
    return body;
  }
}
