/**
 * For `guide`, `Decision.message` carries two texts: the defensive-framing system instruction
 * sent upstream, then this separator, then the mitigations appended to the answer. One string
 * keeps the decision contract unchanged; the gateway splits on the first separator, so an
 * instruction must never contain it (the policy schema refuses one that does).
 */
export const GUIDANCE_SEPARATOR = '\n---\n';
