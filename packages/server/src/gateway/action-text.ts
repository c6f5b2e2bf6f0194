import { GUIDANCE_SEPARATOR, type Decision } from '@rampart/core';

/** The notice appended to a response served under `warn`. */
export function warningOf(decision: Decision): string {
  const reasons = decision.reasons.length > 0 ? ` (${decision.reasons.join(', ')})` : '';
  return `\n\n[Rampart notice${reasons}: ${decision.message ?? 'this request touched on a sensitive topic and was logged.'}]`;
}

/**
 * For `guide`: the defensive-framing system instruction sent upstream and the mitigations
 * appended to the answer. The policy carries both in the decision's message, instruction first,
 * separated by a line of its own (see the default policy).
 */
export function guidanceOf(decision: Decision): { instruction: string; mitigations: string } {
  const message = decision.message ?? '';
  const [instruction = '', ...rest] = message.split(GUIDANCE_SEPARATOR);
  const mitigations = rest.join(GUIDANCE_SEPARATOR).trim();
  return {
    instruction: instruction.trim() || 'Answer from a defensive perspective: explain risks, detection and mitigations; do not provide operational attack steps.',
    mitigations: mitigations.length > 0 ? `\n\n---\nDefensive guidance added by Rampart:\n${mitigations}` : '',
  };
}
