import { UserError } from '../../errors/rampart-error.js';

/**
 * Labeled prompts, one JSON object per line: `{"text", "label", "category"}` or
 * `{"messages": [{role, content}], "label", "category"}`, optional `id` and `source`. Used by
 * training and by `rampart eval`; a bad line is an error that names its line number.
 */
export interface LabeledExample {
  readonly id: string;
  /** The prompt as the classifier sees it: the text, or the user turns of a conversation. */
  readonly text: string;
  /** The conversation, when the line was one; the last user turn is `text`'s last line. */
  readonly messages: readonly { readonly role: string; readonly content: string }[] | undefined;
  readonly label: 'malicious' | 'benign';
  readonly category: string;
  readonly source: string;
}

export function parseExamples(jsonl: string, sourceName: string): LabeledExample[] {
  const examples: LabeledExample[] = [];
  const lines = jsonl.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${sourceName}:${index + 1}`;
    const fail = (why: string): never => {
      throw new UserError('RAMPART_E_INPUT_INVALID', `${where}: ${why}`);
    };
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      return fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) fail('expected a JSON object');
    if (row.label !== 'malicious' && row.label !== 'benign') fail('"label" must be "malicious" or "benign"');
    let messages: { role: string; content: string }[] | undefined;
    let text: string;
    if (typeof row.text === 'string') {
      text = row.text;
    } else if (Array.isArray(row.messages)) {
      messages = row.messages.map((m: unknown, i: number) => {
        const message = m as { role?: unknown; content?: unknown };
        if (typeof message?.role !== 'string' || typeof message.content !== 'string') fail(`messages[${i}] needs string "role" and "content"`);
        return { role: message.role as string, content: message.content as string };
      });
      text = conversationText(messages);
    } else {
      return fail('needs "text" (a string) or "messages" (an array)');
    }
    if (text.trim() === '') fail('the text is empty');
    if (row.category !== undefined && typeof row.category !== 'string') fail('"category" must be a string');
    examples.push({
      id: typeof row.id === 'string' ? row.id : where,
      text,
      messages,
      label: row.label as 'malicious' | 'benign',
      category: typeof row.category === 'string' ? row.category : '',
      source: typeof row.source === 'string' ? row.source : sourceName,
    });
  });
  return examples;
}

/** The text a conversation is scored on as a whole: its user turns, in order, one per line. */
export function conversationText(messages: readonly { readonly role: string; readonly content: string }[]): string {
  return messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n');
}
