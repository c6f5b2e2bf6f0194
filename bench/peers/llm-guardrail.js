// llm_guardrail: three TF-IDF + logistic-regression models shipped inside the package
// (prompt injection, jailbreak, malicious), run together by `checkAll`.
import { packageVersion } from './package-version.js';

const PACKAGE = 'llm_guardrail';

export function describe() {
  return {
    packageName: PACKAGE,
    version: packageVersion(PACKAGE),
    checksShort: 'injection, jailbreak, malicious (TF-IDF + logistic regression)',
    checks: ['injection (TF-IDF LR)', 'jailbreak (TF-IDF LR)', 'malicious (TF-IDF LR)'],
    excluded: [],
    configuration: 'checkAll(text) with the models\' own thresholds (0.5); flagged = allowed false',
  };
}

export async function create() {
  const { checkAll } = await import(PACKAGE);
  return async function checkWithLlmGuardrail(row) {
    const result = await checkAll(row.text);
    return { flagged: result.allowed === false, hits: result.threatsDetected };
  };
}
