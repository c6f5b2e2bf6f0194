// Rampart itself, measured the way `rampart eval` measures it (packages/cli/src/commands/eval.ts):
// the configured input pipeline and policy from the built dist, for a `standard` caller; a row is
// flagged when the action is `review` or `block`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const STOPPED = new Set(['review', 'block']);
const CLI_DIST = new URL('../../packages/cli/dist/offline-inspector.js', import.meta.url);

/** @param {{ classifier: boolean }} variant */
export function describe(variant) {
  return {
    packageName: 'rampart',
    version: JSON.parse(readFileSync(new URL('../../packages/cli/package.json', import.meta.url), 'utf8')).version,
    checksShort: variant.classifier ? 'limits, normalize, rules, classifier → default policy' : 'limits, normalize, rules → default policy',
    checks: variant.classifier
      ? ['limits', 'normalize (decoding, confusables)', 'rules (built-in packs)', 'classifier (built-in model)', 'policy (default)']
      : ['limits', 'normalize (decoding, confusables)', 'rules (built-in packs)', 'policy (default)'],
    excluded: variant.classifier ? [] : ['classifier: turned off (pipeline.classifier.enabled false) to show the rules alone'],
    configuration: `config as \`rampart eval\` loads it (RAMPART_CONFIG or ./rampart.yaml if present, else defaults)${variant.classifier ? '' : ', with pipeline.classifier.enabled = false'}; principal tier standard; flagged = action review or block`,
  };
}

/** Fingerprint of the model the default config loads, so a table can name the exact classifier. */
export function modelFingerprint() {
  const bytes = readFileSync(new URL('../../packages/core/models/classifier.bin', import.meta.url));
  return `sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`;
}

/**
 * @param {{ classifier: boolean }} variant
 * @returns {Promise<(row: { text: string, messages?: { role: string, content: string }[] }) => Promise<{ flagged: boolean, hits: string[] }>>}
 */
export async function create(variant) {
  const core = await import('@rampart/core');
  const { offlineInspector } = await import(CLI_DIST.href);
  const loaded = core.loadConfig({ env: process.env });
  const config = variant.classifier
    ? loaded.config
    : { ...loaded.config, pipeline: { ...loaded.config.pipeline, classifier: { ...loaded.config.pipeline.classifier, enabled: false } } };
  const warnings = [];
  const inspector = offlineInspector({ config, file: loaded.file }, undefined, (message) => warnings.push(message));
  const principal = core.offlinePrincipal({ tier: 'standard' });
  return async function checkWithRampart(row) {
    const messages = (row.messages ?? [{ role: 'user', content: row.text }]).map((m) => ({ role: m.role, content: m.content, toolCallArguments: [] }));
    const { decision, outcome } = await inspector.inspect({ messages, principal, model: 'offline', purpose: undefined }, { holdForReview: false, shadow: false });
    // Hits name the layers that produced findings; the policy turns findings into the action.
    const layers = [...new Set(outcome.findings.map((f) => f.layerId))];
    return { flagged: STOPPED.has(decision.action), hits: layers };
  };
}
