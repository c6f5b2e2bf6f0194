// llm-guard (npm, therizwan): keyword and regex guards run in sequence by LLMGuard#validate.
import { packageVersion } from './package-version.js';

const PACKAGE = 'llm-guard';

export function describe() {
  return {
    packageName: PACKAGE,
    version: packageVersion(PACKAGE),
    checksShort: 'jailbreak, promptInjection, toxicity, profanity',
    checks: ['jailbreak (regex)', 'promptInjection (regex)', 'toxicity (keywords)', 'profanity (word list)'],
    excluded: [
      'pii: data-protection check (emails, phone numbers), not attack detection',
      'relevance: prompt-quality check (length, word count, filler words), not attack detection',
    ],
    configuration: 'new LLMGuard({ pii: false, relevance: false }).validate(text); flagged = isValid false',
  };
}

export async function create() {
  const module = await import(PACKAGE);
  const LLMGuard = module.LLMGuard ?? module.default?.LLMGuard;
  const guard = new LLMGuard({ pii: false, relevance: false });
  // validate() returns one result per enabled guard, in the order of its `guards` object.
  const names = Object.entries(guard.guards).filter(([, g]) => g.isEnabled()).map(([name]) => name);
  return async function checkWithLlmGuard(row) {
    const response = await guard.validate(row.text);
    const hits = response.results.flatMap((r, i) => (r.valid ? [] : [names[i] ?? `guard ${i}`]));
    return { flagged: response.isValid === false, hits };
  };
}
