// llmverify: the free tier's local pattern engines. isInputSafe(text) is
// checkPromptInjection(text).length === 0; checkHarmfulContent covers violence, threats,
// self-harm, dangerous instructions and hate speech.
import { packageVersion } from './package-version.js';

const PACKAGE = 'llmverify';

export function describe() {
  return {
    packageName: PACKAGE,
    version: packageVersion(PACKAGE),
    checksShort: 'checkPromptInjection (= isInputSafe), checkHarmfulContent',
    checks: ['isInputSafe / checkPromptInjection (9 pattern families)', 'checkHarmfulContent (5 pattern families)'],
    excluded: [
      'verify(), classify(), hallucination and JSON engines: check model output, not prompts',
      'checkPII / containsPII: data-protection check, not attack detection',
      'ML-enhanced features: paid tier with an API key (network)',
    ],
    configuration: 'checkPromptInjection(text) and checkHarmfulContent(text); flagged = either returns a finding (checkHarmfulContent tags its findings surface "output", but its patterns are request phrasings such as "how to hack")',
  };
}

export async function create() {
  const module = await import(PACKAGE);
  const lib = module.checkPromptInjection === undefined ? module.default : module;
  return async function checkWithLlmverify(row) {
    const hits = [];
    if (lib.checkPromptInjection(row.text).length > 0) hits.push('promptInjection');
    if (lib.checkHarmfulContent(row.text).length > 0) hits.push('harmfulContent');
    return { flagged: hits.length > 0, hits };
  };
}
