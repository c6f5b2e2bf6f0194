import { findingSummary, promptDigest, redactedExcerpt, type ApiKeyRecord, type AuditSettings, type ChatMessageText, type Inspection } from '@rampart/core';

/** The prompt as one string, for hashing and (with retention on) for keeping. */
export function promptText(messages: readonly ChatMessageText[]): string {
  return messages.map((m) => `${m.role}: ${[m.content, ...m.toolCallArguments].join('\n')}`).join('\n');
}

/**
 * The audit record of one decision. It holds what a reviewer or an investigator needs (who,
 * what model, which action and why, which findings) but, unless retention is switched on, not
 * the prompt itself: only its SHA-256 and a redacted excerpt of the last user turn.
 */
export function decisionEvent(input: {
  requestId: string;
  key: ApiKeyRecord;
  model: string;
  stream: boolean;
  purpose: string | undefined;
  messages: readonly ChatMessageText[];
  inspection: Inspection;
  audit: Pick<AuditSettings, 'retainPromptText' | 'excerptChars'>;
  reviewId?: string;
}) {
  const { decision, outcome } = input.inspection;
  const text = promptText(input.messages);
  const lastUser = [...input.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  return {
    type: 'decision' as const,
    time: new Date().toISOString(),
    requestId: input.requestId,
    keyId: input.key.id,
    principal: input.key.name,
    tier: input.key.tier,
    organization: input.key.organization,
    model: input.model,
    stream: input.stream,
    purpose: input.purpose ?? null,
    action: decision.action,
    enforced: decision.enforced,
    shadow: decision.shadow,
    policyRule: decision.policyRule,
    reasons: decision.reasons,
    exceptions: decision.exceptions,
    reviewId: input.reviewId ?? null,
    findings: outcome.findings.map(findingSummary),
    layers: outcome.timings.map((t) => ({ id: t.layerId, us: Math.round(t.micros), status: t.status })),
    prompt: {
      sha256: promptDigest(text),
      chars: text.length,
      excerpt: redactedExcerpt(lastUser, input.audit.excerptChars),
      ...(input.audit.retainPromptText ? { text } : {}),
    },
  };
}
