import type { Context } from 'hono';
import { toRampartError, type RampartError } from '@rampart/core';

/** Renders any thrown value as an OpenAI-format error response; never leaks a stack trace. */
export function errorResponse(c: Context, thrown: unknown): { error: RampartError; response: Response } {
  const error = toRampartError(thrown);
  const response = c.json(error.toOpenAIError(), error.status as 400);
  return { error, response };
}
