// The guards `npm run bench:peers` compares, in run order. `module` is the adapter in this
// folder; `variant` is handed to its describe() and create(); `sampled` guards run on a
// deterministic per-file sample because a full pass would take hours.
export const GUARDS = [
  { id: 'rampart', label: 'Rampart', module: './rampart.js', variant: { classifier: true } },
  { id: 'rampart-rules-only', label: 'Rampart, rules only (no classifier)', module: './rampart.js', variant: { classifier: false } },
  { id: 'llm_guardrail', label: 'llm_guardrail', module: './llm-guardrail.js', variant: {} },
  { id: 'vard', label: '@andersmyrmel/vard', module: './vard.js', variant: {} },
  { id: 'llm-guard', label: 'llm-guard', module: './llm-guard.js', variant: {} },
  { id: 'llmverify', label: 'llmverify', module: './llmverify.js', variant: {} },
  {
    id: 'hai-guardrails-fast',
    label: '@presidio-dev/hai-guardrails, without the injection heuristic',
    module: './hai-guardrails.js',
    variant: { injectionHeuristic: false },
  },
  {
    id: 'hai-guardrails',
    label: '@presidio-dev/hai-guardrails, all offline checks',
    module: './hai-guardrails.js',
    variant: { injectionHeuristic: true },
    sampled: true,
  },
];

/** Checked by hand and left out of the run, with the reason (see the report's notes). */
export const NOT_RUN = [
  {
    id: '@openai/guardrails',
    reason: 'its jailbreak and prompt-injection checks call the OpenAI API and fail open without it; nothing left to compare offline',
  },
];
