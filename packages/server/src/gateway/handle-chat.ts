import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { SystemError, UserError, type Decision, type Inspection } from '@rampart/core';
import type { AppEnv } from '../http/app-env.js';
import { chatTexts, decodeRequestBody, parseChatRequest, type ChatRequest } from '../http/chat-request.js';
import { requestBody } from '../http/request-io.js';
import type { Runtime } from '../runtime/create-runtime.js';
import { decisionEvent } from './decision-event.js';
import { forwardToUpstream } from './forward.js';
import { observeOverhead } from './observe-overhead.js';
import { syntheticCompletion, syntheticStream } from './synthetic-completion.js';

const PURPOSE_MAX_CHARS = 200;

/**
 * `POST /v1/chat/completions`: the request lifecycle after authentication —
 * limit → normalize → classify → assess → decide → upstream (→ scanOutput, a later issue) → audit.
 * The decision record is committed before anything is sent upstream or answered, so no served
 * or refused request is missing from the audit log.
 */
export async function handleChatCompletion(rt: Runtime, c: Context<AppEnv>): Promise<Response> {
  const requestId = c.get('requestId');
  const key = c.get('apiKey');
  const body = decodeRequestBody(await requestBody(c, rt.config.server.bodyLimitBytes));
  const request = parseChatRequest(body, rt.config.server.unknownFields);
  await rt.models.assertServed(request.model);
  rt.keys.requireModel(key, request.model);

  const purpose = declaredPurpose(c.req.header('x-rampart-purpose'));
  const messages = chatTexts(request);
  const principal = rt.keys.principalFacts(key);
  const inspection = await rt.inspector.inspect(
    { messages, principal, model: request.model, purpose },
    { holdForReview: key.holdForReview, shadow: key.shadow },
  );
  const { decision, outcome } = inspection;
  for (const timing of outcome.timings) rt.metrics.layerDuration.observe({ layer: timing.layerId }, timing.micros / 1e6);
  rt.metrics.requests.inc({ decision: decision.enforced, category: topCategory(inspection) });

  c.header('x-rampart-decision', decision.enforced);
  if (decision.shadow && decision.action !== decision.enforced) c.header('x-rampart-shadow-decision', decision.action);

  const stream = request.stream === true;
  const auditInput = { requestId, key, model: request.model, stream, purpose, messages, inspection, audit: rt.config.audit };
  const action = decision.enforced;
  switch (action) {
    case 'block': {
      await rt.audit.append(decisionEvent(auditInput));
      observeOverhead(rt, c, { action: 'block', upstreamNanos: 0n });
      return refusal(rt, c, { requestId, request, decision });
    }
    case 'review': {
      const reviewId = `rv_${randomBytes(12).toString('hex')}`;
      await rt.store.insertReview({
        id: reviewId,
        requestId,
        keyId: key.id,
        model: request.model,
        createdAt: new Date().toISOString(),
        status: 'pending',
        reasons: decision.reasons,
        requestBody: body,
        decidedBy: null,
        decidedAt: null,
        note: null,
        responseBody: null,
      });
      await rt.audit.append(decisionEvent({ ...auditInput, reviewId }));
      c.header('x-rampart-review-id', reviewId);
      observeOverhead(rt, c, { action: 'review', upstreamNanos: 0n });
      return held(rt, c, { requestId, request, decision, reviewId });
    }
    case 'allow':
    case 'warn':
    case 'guide':
    case 'reroute': {
      await rt.audit.append(decisionEvent(auditInput));
      return forwardToUpstream(rt, c, { requestId, request, body, decision, action, stream });
    }
    default:
      return assertNever(action);
  }
}

function refusal(rt: Runtime, c: Context<AppEnv>, input: { requestId: string; request: ChatRequest; decision: Decision }): Response {
  const { decision, requestId, request } = input;
  const limit = decision.reasons.find((r) => r.startsWith('limit.'));
  if (limit !== undefined) {
    // A size limit is a property of the request, not of its intent: answer it as a client error.
    const code = limit === 'limit.too_many_messages' ? 'RAMPART_E_LIMIT_TOO_MANY_MESSAGES' : 'RAMPART_E_LIMIT_PROMPT_TOO_LONG';
    throw new UserError(code, `The request exceeds a limit (${limit}); see limits.maxMessages and limits.maxPromptChars.`, { param: 'messages' });
  }
  const reasons = decision.reasons.join(', ') || 'policy';
  const content = `${decision.message ?? 'This request was blocked by the Rampart safeguard policy.'} (reason: ${reasons}; request id: ${requestId})`;
  const answer = { requestId, model: request.model, content, rampart: { decision: 'block', reasons: decision.reasons, request_id: requestId } };
  return synthetic(rt, c, { ...answer, stream: request.stream === true });
}

function held(rt: Runtime, c: Context<AppEnv>, input: { requestId: string; request: ChatRequest; decision: Decision; reviewId: string }): Response {
  const { decision, requestId, request, reviewId } = input;
  const content =
    `${decision.message ?? 'This request is held for human review.'} (ticket ${reviewId}) ` +
    `A reviewer will approve or reject it; poll GET /v1/rampart/reviews/${reviewId} with the same key for the result.`;
  const answer = { requestId, model: request.model, content, rampart: { decision: 'review', reasons: decision.reasons, request_id: requestId, review_id: reviewId } };
  return synthetic(rt, c, { ...answer, stream: request.stream === true });
}

function synthetic(rt: Runtime, c: Context<AppEnv>, input: Parameters<typeof syntheticCompletion>[0] & { stream: boolean }): Response {
  const { stream, ...answer } = input;
  const status = rt.config.server.blockStatus as 200;
  if (stream) {
    return c.body(syntheticStream(answer), status, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  }
  return c.body(syntheticCompletion(answer), status, { 'content-type': 'application/json' });
}

function declaredPurpose(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const purpose = header.trim().toLowerCase().slice(0, PURPOSE_MAX_CHARS);
  return purpose.length > 0 ? purpose : undefined;
}

function topCategory(inspection: Inspection): string {
  const reason = inspection.decision.reasons[0];
  const finding = inspection.outcome.findings.find((f) => f.reasonCode === reason) ?? inspection.outcome.findings[0];
  return finding?.category ?? 'none';
}

function assertNever(value: never): never {
  throw new SystemError('RAMPART_E_INTERNAL', `unhandled action ${String(value)}`);
}

