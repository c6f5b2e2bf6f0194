import { describe, expect, it } from 'vitest';
import type { ChatMessageText, Layer, LayerResult } from '../../contracts/detector.js';
import { RampartError } from '../../errors/rampart-error.js';
import { rawViews, runPipeline } from '../../pipeline/run-pipeline.js';
import { createLimitsLayer } from './index.js';

const principal = { keyId: 'k', name: 'test', tier: 'standard', scopes: ['chat'], organization: undefined } as const;

function check(layer: Layer, messages: ChatMessageText[]): LayerResult {
  return layer.run({ messages, views: rawViews(messages), principal, model: 'm', purpose: undefined }) as LayerResult;
}

const user = (content: string, toolCallArguments: string[] = []): ChatMessageText => ({ role: 'user', content, toolCallArguments });

describe('limits layer', () => {
  const layer = createLimitsLayer({ maxMessages: 3, maxPromptChars: 100 });

  it('has no findings under the limits, and none exactly at them', () => {
    expect(check(layer, [user('hello')])).toEqual({ status: 'ok', findings: [] });
    expect(check(layer, [user('a'.repeat(40)), user('b'.repeat(30), ['c'.repeat(30)])])).toEqual({ status: 'ok', findings: [] });
  });

  it('refuses too many messages', () => {
    const result = check(layer, [user('1'), user('2'), user('3'), user('4')]);
    expect(result).toEqual({
      status: 'ok',
      findings: [
        {
          category: 'limit',
          severity: 'critical',
          confidence: 1,
          layerId: 'limits',
          reasonCode: 'limit.too_many_messages',
          evidence: [],
          description: '4 messages, over the limit of 3',
        },
      ],
    });
  });

  it('counts message content and tool-call arguments towards the prompt length', () => {
    // Content alone is under the limit; the tool-call arguments push it over.
    const result = check(layer, [user('a'.repeat(60)), { role: 'assistant', content: '', toolCallArguments: ['{"q":"', 'x'.repeat(40)] }]);
    expect(result.status === 'ok' ? result.findings.map((f) => [f.reasonCode, f.description]) : result).toEqual([
      ['limit.prompt_too_long', '106 prompt characters, over the limit of 100'],
    ]);
  });

  it('reports both limits at once', () => {
    const result = check(layer, [user('x'.repeat(50)), user('x'.repeat(50)), user('x'), user('x')]);
    expect(result.status === 'ok' ? result.findings.map((f) => f.reasonCode) : result).toEqual(['limit.too_many_messages', 'limit.prompt_too_long']);
  });

  it('stops the pipeline: nothing after it runs on an oversized request', async () => {
    let ran = false;
    const later: Layer = {
      id: 'later',
      stage: 'classify',
      budgetMs: 1_000,
      failMode: 'closed',
      run: () => {
        ran = true;
        return { status: 'ok', findings: [] };
      },
    };
    const outcome = await runPipeline([layer, later], { messages: [user('x'.repeat(101))], principal, model: 'm', purpose: undefined });
    expect(outcome.findings.map((f) => f.reasonCode)).toEqual(['limit.prompt_too_long']);
    expect(outcome.timings.map((t) => t.layerId)).toEqual(['limits']);
    expect(ran).toBe(false);

    const fine = await runPipeline([layer, later], { messages: [user('hello')], principal, model: 'm', purpose: undefined });
    expect(fine.findings).toEqual([]);
    expect(ran).toBe(true);
  });

  it('does not count the tool-definitions pseudo-message as a message, but counts its characters', () => {
    const layer = createLimitsLayer({ maxMessages: 1, maxPromptChars: 20 });
    const tools: ChatMessageText = { role: 'tool_definitions', content: 'lookup: finds things', toolCallArguments: [] };
    const ok = check(layer, [{ role: 'user', content: '', toolCallArguments: [] }, tools]);
    expect(ok.status === 'ok' && ok.findings).toEqual([]);
    const long = check(layer, [{ role: 'user', content: 'x', toolCallArguments: [] }, tools]);
    expect(long.status === 'ok' && long.findings.map((f) => f.reasonCode)).toEqual(['limit.prompt_too_long']);
  });

  it('rejects invalid options with a configuration error', () => {
    for (const options of [
      { maxMessages: 0, maxPromptChars: 10 },
      { maxMessages: 1.5, maxPromptChars: 10 },
      { maxMessages: 1, maxPromptChars: 0 },
      { maxMessages: 1, maxPromptChars: 10, budgetMs: 0 },
    ]) {
      let thrown: unknown;
      try {
        createLimitsLayer(options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(RampartError);
      expect((thrown as RampartError).code).toBe('RAMPART_E_CONFIG_INVALID');
    }
  });
});
