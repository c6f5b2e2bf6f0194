import { defineLayer } from '../../pipeline/define-layer.js';
import { TOOL_DEFINITIONS_ROLE, type FailMode, type Finding, type Layer } from '../../contracts/detector.js';
import { UserError } from '../../errors/rampart-error.js';

export const LIMITS_LAYER_ID = 'limits';
const DEFAULT_BUDGET_MS = 10;

export interface LimitsLayerOptions {
  readonly maxMessages: number;
  /** Characters across every message content and tool-call argument string. */
  readonly maxPromptChars: number;
  readonly budgetMs?: number;
  readonly failMode?: FailMode;
}

/**
 * The request-size layer (stage `limit`). It runs first and its findings stop the pipeline, so an
 * oversized prompt cannot buy classification time. Body size in bytes is enforced earlier, by the
 * HTTP layer; this counts what the later layers would have to scan.
 *
 * @example
 * const layer = createLimitsLayer({ maxMessages: 256, maxPromptChars: 200_000 });
 */
export function createLimitsLayer(options: LimitsLayerOptions): Layer {
  const { maxMessages, maxPromptChars } = options;
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  if (!Number.isInteger(maxMessages) || maxMessages < 1) throw invalidOption('maxMessages must be a positive integer', maxMessages);
  if (!Number.isInteger(maxPromptChars) || maxPromptChars < 1) throw invalidOption('maxPromptChars must be a positive integer', maxPromptChars);
  return defineLayer({
    id: LIMITS_LAYER_ID,
    stage: 'limit',
    budgetMs,
    failMode: options.failMode,
    run(input) {
      const findings: Finding[] = [];
      const count = input.messages.filter((m) => m.role !== TOOL_DEFINITIONS_ROLE).length;
      if (count > maxMessages) {
        findings.push(limitFinding('limit.too_many_messages', `${count} messages, over the limit of ${maxMessages}`));
      }
      let chars = 0;
      for (const message of input.messages) {
        chars += message.content.length;
        for (const args of message.toolCallArguments) chars += args.length;
      }
      if (chars > maxPromptChars) {
        findings.push(limitFinding('limit.prompt_too_long', `${chars} prompt characters, over the limit of ${maxPromptChars}`));
      }
      return { status: 'ok', findings };
    },
  });
}

function limitFinding(reasonCode: string, description: string): Finding {
  return { category: 'limit', severity: 'critical', confidence: 1, layerId: LIMITS_LAYER_ID, reasonCode, evidence: [], description };
}

function invalidOption(message: string, value: unknown): UserError {
  return new UserError('RAMPART_E_CONFIG_INVALID', `limits layer: ${message}, got ${String(value)}`);
}
