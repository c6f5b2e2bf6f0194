import { describe, expect, it } from 'vitest';
import type { ChatMessageText, FailMode, Layer } from '../../contracts/detector.js';
import { runPipeline } from '../../pipeline/run-pipeline.js';
import { createLimitsLayer } from '../limits/index.js';
import { createRulesLayer } from './index.js';
import { parseRulePack } from './load-rule-packs.js';

/**
 * A layer that crashes or runs past its budget must not let a request through silently: the
 * runner turns it into a `layer_error` finding, high when the layer fails closed (the policy
 * holds the request) and info when it fails open (recorded only).
 */
const principal = { keyId: 'k', name: 'test', tier: 'standard', scopes: ['chat'], organization: undefined } as const;
const request = (messages: ChatMessageText[]) => ({ messages, principal, model: 'm', purpose: undefined });
const user = (content: string): ChatMessageText => ({ role: 'user', content, toolCallArguments: [] });

/** A custom pack with a catastrophically backtracking pattern (ReDoS): the overrun is real CPU time. */
const slowPack = parseRulePack(
  `id: slow
version: 1.0.0
description: a pack with a ReDoS-prone regex
rules:
  - id: slow.redos
    description: nested quantifier
    category: harm.other
    severity: high
    triggers: [aaaa]
    patterns: ['^(a+)+$']
    examples:
      positive: ['aaaa', 'aaaaaa']
      negative: ['b', 'c']
`,
  'slow.yaml',
);

describe('layer failures through runPipeline', () => {
  it.each([
    ['closed', 'high'],
    ['open', 'info'],
  ] as const)('a rules layer that overruns its budget fails %s as a %s layer_error finding', async (failMode: FailMode, severity) => {
    const layer = createRulesLayer({ packs: [slowPack], budgetMs: 1, failMode });
    const outcome = await runPipeline([layer], request([user(`${'a'.repeat(22)}!`)]));
    expect(outcome.findings).toEqual([
      {
        category: 'layer_error',
        severity,
        confidence: 1,
        layerId: 'rules',
        reasonCode: 'layer_error.rules',
        evidence: [],
        description: expect.stringMatching(/^layer_timeout: layer ran \d+µs, over its 1ms budget$/),
      },
    ]);
    expect(outcome.timings).toEqual([{ layerId: 'rules', micros: expect.any(Number), status: 'timeout' }]);
  });

  it('a layer that throws becomes a layer_error finding, and the layers after it still run', async () => {
    const boom: Layer = {
      id: 'boom',
      stage: 'normalize',
      budgetMs: 1_000,
      failMode: 'closed',
      run: () => {
        throw new TypeError('cannot read properties of undefined');
      },
    };
    const outcome = await runPipeline([createLimitsLayer({ maxMessages: 10, maxPromptChars: 1_000 }), boom, createRulesLayer({ packs: [slowPack] })], request([user('aaaa')]));
    expect(outcome.findings.map((f) => [f.category, f.severity, f.reasonCode, f.description])).toEqual([
      ['layer_error', 'high', 'layer_error.boom', 'layer_threw: cannot read properties of undefined'],
      ['harm.other', 'high', 'slow.redos', 'nested quantifier'],
    ]);
    expect(outcome.timings.map((t) => [t.layerId, t.status])).toEqual([
      ['limits', 'ok'],
      ['boom', 'error'],
      ['rules', 'ok'],
    ]);
  });

  it('an asynchronous layer that never answers times out; fail-open is informational', async () => {
    const stuck = (failMode: FailMode): Layer => ({ id: 'stuck', stage: 'classify', budgetMs: 20, failMode, run: () => new Promise(() => undefined) });
    const closed = await runPipeline([stuck('closed')], request([user('hello')]));
    expect(closed.findings.map((f) => [f.severity, f.reasonCode, f.description])).toEqual([['high', 'layer_error.stuck', 'layer_timeout: no answer within 20ms']]);
    const open = await runPipeline([stuck('open')], request([user('hello')]));
    expect(open.findings.map((f) => f.severity)).toEqual(['info']);
  });

  it('an asynchronous layer that rejects becomes layer_threw', async () => {
    const failing: Layer = { id: 'failing', stage: 'classify', budgetMs: 1_000, failMode: 'closed', run: () => Promise.reject(new Error('model server down')) };
    const outcome = await runPipeline([failing], request([user('hello')]));
    expect(outcome.findings.map((f) => [f.severity, f.description])).toEqual([['high', 'layer_threw: model server down']]);
  });
});
