import type { ChatMessageText, Finding, Layer, LayerInput, PrincipalFacts, TextView } from '../contracts/detector.js';
import type { LayerTiming } from '../contracts/decision.js';
import { layerFailureFinding, runLayer } from './run-layer.js';

export interface PipelineRequest {
  readonly messages: readonly ChatMessageText[];
  readonly principal: PrincipalFacts;
  readonly model: string;
  readonly purpose: string | undefined;
}

export interface PipelineOutcome {
  readonly findings: readonly Finding[];
  readonly timings: readonly LayerTiming[];
  readonly views: readonly TextView[];
  /** Highest classifier score any layer reported (0 when none did). */
  readonly maxScore: number;
  /** Total wall time of the input pipeline in microseconds. */
  readonly micros: number;
}

/**
 * Runs the layers in order (they are already sorted by stage). Each layer sees the views the
 * earlier ones produced, so text decoded by the normalization layer is scanned by every later
 * layer. A `limit` finding stops the pipeline: there is no point classifying a request that
 * will be refused for its size, and doing so would let an oversized prompt buy CPU time.
 */
export async function runPipeline(layers: readonly Layer[], request: PipelineRequest): Promise<PipelineOutcome> {
  const started = process.hrtime.bigint();
  const findings: Finding[] = [];
  const timings: LayerTiming[] = [];
  const views: TextView[] = rawViews(request.messages);
  let maxScore = 0;
  const input: LayerInput = { ...request, views };
  for (const layer of layers) {
    const { result, timing } = await runLayer(layer, input);
    timings.push(timing);
    if (result.status === 'error') {
      findings.push(layerFailureFinding(layer, result.error));
      continue;
    }
    for (const finding of result.findings) findings.push(finding);
    if (result.views !== undefined) for (const view of result.views) views.push(view);
    if (result.score !== undefined && result.score > maxScore) maxScore = result.score;
    if (layer.stage === 'limit' && result.findings.length > 0) break;
  }
  const micros = Number(process.hrtime.bigint() - started) / 1000;
  return { findings, timings, views, maxScore, micros };
}

/** One `raw` view per message content and per tool-call argument string. */
export function rawViews(messages: readonly ChatMessageText[]): TextView[] {
  const views: TextView[] = [];
  messages.forEach((message, messageIndex) => {
    if (message.content.length > 0) {
      views.push({ messageIndex, role: message.role, part: 'content', kind: 'raw', text: message.content });
    }
    for (const args of message.toolCallArguments) {
      views.push({ messageIndex, role: message.role, part: 'tool_call_arguments', kind: 'raw', text: args });
    }
  });
  return views;
}
