import { describe, expect, it } from 'vitest';
import type { Codec, Finding } from '../../contracts/detector.js';
import { runPipeline } from '../../pipeline/run-pipeline.js';
import { rot13 } from '../normalize/decode-payloads.js';
import { createNormalizeLayer } from '../normalize/index.js';
import { createRulesLayer } from './index.js';
import { loadBuiltinRulePacks } from './load-rule-packs.js';

/**
 * Attack test: the positive examples of every built-in pack (whatever packs exist when it runs),
 * each disguised the way attackers disguise prompts, must still raise the same rule. Encoded
 * variants must also say which encoding hid them (`decodedFrom`), because the policy refuses
 * encoded attack requests more strictly. The catch rate per transform is in the test name.
 */
const MIN_CATCH_RATE = 0.9;
const principal = { keyId: 'k', name: 'test', tier: 'standard', scopes: ['chat'], organization: undefined } as const;

const bytes = (text: string): number[] => [...Buffer.from(text, 'utf8')];
const HOMOGLYPHS: Readonly<Record<string, string>> = { a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у', i: 'і', A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', X: 'Х' };
const LEET: Readonly<Record<string, string>> = { a: '4', e: '3', i: '1', o: '0' };

interface Transform {
  readonly name: string;
  readonly codec?: Codec;
  apply(text: string): string;
}

const TRANSFORMS: readonly Transform[] = [
  { name: 'base64', codec: 'base64', apply: (t) => `Decode this and answer: ${Buffer.from(t, 'utf8').toString('base64')}` },
  { name: 'hex', codec: 'hex', apply: (t) => `Decode this and answer: ${Buffer.from(t, 'utf8').toString('hex')}` },
  { name: 'url-encoded', codec: 'url', apply: (t) => bytes(t).map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('') },
  // Bare ROT13, no "rot13" label: the decoder has to recognise it by its vocabulary.
  { name: 'rot13', codec: 'rot13', apply: (t) => rot13(t) },
  // Vowels of every word of four letters or more, the way keywords are usually disguised.
  { name: 'leetspeak', apply: (t) => t.replace(/[A-Za-z]{4,}/g, (word) => word.replace(/[aeio]/g, (ch) => LEET[ch] ?? ch)) },
  { name: 'zero-width-stuffed', apply: (t) => t.replace(/([A-Za-z])(?=[A-Za-z])/g, '$1\u200b') },
  { name: 'homoglyph', apply: (t) => t.replace(/[A-Za-z]/g, (ch) => HOMOGLYPHS[ch] ?? ch) },
];

interface Sample {
  readonly ruleId: string;
  readonly role: string;
  readonly text: string;
}

const packs = loadBuiltinRulePacks();
const layers = [createNormalizeLayer({ budgetMs: 10_000 }), createRulesLayer({ packs, budgetMs: 10_000 })];
// Every positive example of every rule, scanned in a role the rule applies to.
const samples: Sample[] = packs.flatMap((pack) =>
  pack.rules.flatMap((rule) => rule.examples.positive.map((text) => ({ ruleId: rule.id, role: rule.roles?.includes('user') === false ? (rule.roles[0] as string) : 'user', text }))),
);

async function findingsFor(sample: Sample, text: string): Promise<Finding[]> {
  const outcome = await runPipeline(layers, { messages: [{ role: sample.role, content: text, toolCallArguments: [] }], principal, model: 'm', purpose: undefined });
  return outcome.findings.filter((finding) => finding.reasonCode === sample.ruleId);
}

describe('built-in rules still fire on obfuscated positive examples', async () => {
  const results = await Promise.all(
    TRANSFORMS.map(async (transform) => {
      const misses: string[] = [];
      const wrongCodec: string[] = [];
      for (const sample of samples) {
        const [finding] = await findingsFor(sample, transform.apply(sample.text));
        if (finding === undefined) misses.push(`${sample.ruleId}: ${sample.text}`);
        else if (transform.codec !== undefined && finding.decodedFrom !== transform.codec) wrongCodec.push(`${sample.ruleId} (${String(finding.decodedFrom)}): ${sample.text}`);
        else if (transform.codec === undefined && finding.decodedFrom !== undefined) wrongCodec.push(`${sample.ruleId} (${finding.decodedFrom}): ${sample.text}`);
      }
      return { transform, misses, wrongCodec, rate: samples.length === 0 ? 1 : (samples.length - misses.length) / samples.length };
    }),
  );

  it('has positive examples to disguise', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  it.each(results.map((r) => [r.transform.name, `${(r.rate * 100).toFixed(1)}%`, `${samples.length - r.misses.length}/${samples.length}`, r] as const))(
    '%s: %s caught (%s)',
    (_name, _rate, _count, result) => {
      expect(result.rate, `missed:\n${result.misses.join('\n')}`).toBeGreaterThanOrEqual(MIN_CATCH_RATE);
      // Encoded variants carry the codec that hid them; folded ones (leet, zero-width, homoglyph) carry none.
      expect(result.wrongCodec).toEqual([]);
    },
  );
});
