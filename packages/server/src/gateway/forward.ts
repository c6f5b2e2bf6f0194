import type { Context } from 'hono';
import type { Decision, RampartError } from '@rampart/core';
import { toUpstreamError } from '../upstream/to-upstream-error.js';
import { upstreamFailure } from '../upstream/upstream-failure.js';
import type { AppEnv } from '../http/app-env.js';
import type { ChatRequest } from '../http/chat-request.js';
import { clientAbortSignal } from '../http/request-io.js';
import type { Runtime } from '../runtime/create-runtime.js';
import { guidanceOf, warningOf } from './action-text.js';
import { appendToCompletion, noticeChunk } from './synthetic-completion.js';
import { observeOverhead } from './observe-overhead.js';
import { relayStream } from './stream-response.js';

type ServedAction = 'allow' | 'warn' | 'guide' | 'reroute';

/**
 * Sends a request the policy lets through to the upstream, shaped by the action:
 * `allow` and `warn` forward the client's body untouched; `guide` prepends a defensive system
 * instruction; `reroute` swaps in the restricted model. Upstream failures become 502/504 and
 * are recorded as an `outcome` audit event next to the already-committed decision.
 */
export async function forwardToUpstream(
  rt: Runtime,
  c: Context<AppEnv>,
  input: { requestId: string; request: ChatRequest; body: string; decision: Decision; action: ServedAction; stream: boolean },
): Promise<Response> {
  const { requestId, request, decision, action, stream } = input;
  const guidance = action === 'guide' ? guidanceOf(decision) : undefined;
  const outgoing = upstreamBody(input, guidance?.instruction, rt.config.upstream.restrictedModel);
  if (action === 'reroute') c.header('x-rampart-rerouted-to', decision.rerouteModel ?? rt.config.upstream.restrictedModel);
  const appended = action === 'warn' ? warningOf(decision) : (guidance?.mitigations ?? '');
  if (action === 'warn') c.header('x-rampart-warning', decision.reasons.join(',') || 'policy');

  const started = process.hrtime.bigint();
  const signal = clientAbortSignal(c);
  let upstream;
  try {
    upstream = await rt.upstream.chatCompletion(outgoing, { stream, requestId, signal });
  } catch (thrown) {
    // A client that hung up is not an upstream failure; the decision is already audited.
    if (signal.aborted) throw thrown;
    const error = toUpstreamError(thrown);
    recordFailure(rt, { requestId, started, error, status: error.status });
    throw error;
  }
  const upstreamNanos = process.hrtime.bigint() - started;
  const seconds = Number(upstreamNanos) / 1e9;
  const failure = upstreamFailure(upstream);
  if (failure !== undefined) {
    recordFailure(rt, { requestId, started, error: failure, status: upstream.status });
    throw failure;
  }
  rt.metrics.upstreamDuration.observe({ outcome: String(upstream.status) }, seconds);
  void rt.audit
    .append({ type: 'outcome', time: new Date().toISOString(), requestId, upstreamStatus: upstream.status, upstreamMs: Math.round(seconds * 1000), stream })
    .catch(() => undefined);

  const contentType = upstream.headers['content-type'] ?? (stream ? 'text/event-stream' : 'application/json');
  if (typeof upstream.body === 'string') {
    const text = appended.length > 0 && upstream.status < 300 ? appendToCompletion(upstream.body, appended) : upstream.body;
    observeOverhead(rt, c, { action, upstreamNanos });
    return c.body(text, upstream.status as 200, { 'content-type': contentType });
  }
  observeOverhead(rt, c, { action, upstreamNanos });
  const inject = appended.length > 0 && upstream.status < 300 ? () => [noticeChunk({ requestId, model: request.model, text: appended })] : undefined;
  return new Response(relayStream(upstream.body, inject), {
    status: upstream.status,
    headers: { ...Object.fromEntries(c.res.headers), 'content-type': contentType, 'cache-control': 'no-cache' },
  });
}

/** The body to send upstream: the client's own unless the action requires a change. */
function upstreamBody(
  input: { request: ChatRequest; body: string; decision: Decision; action: ServedAction },
  instruction: string | undefined,
  restrictedModel: string,
): string {
  const { request, action, decision } = input;
  if (action === 'allow' || action === 'warn') return input.body;
  if (action === 'reroute') return JSON.stringify({ ...request, model: decision.rerouteModel ?? restrictedModel });
  return JSON.stringify({ ...request, messages: [{ role: 'system', content: instruction }, ...request.messages] });
}

function recordFailure(rt: Runtime, input: { requestId: string; started: bigint; error: RampartError; status: number }): void {
  const kind = input.error.code === 'RAMPART_E_UPSTREAM_TIMEOUT' ? 'timeout' : input.error.code === 'RAMPART_E_UPSTREAM_ERROR' ? 'status_5xx' : 'unreachable';
  rt.metrics.upstreamErrors.inc({ kind });
  const ms = Number(process.hrtime.bigint() - input.started) / 1e6;
  rt.logger.warn({ requestId: input.requestId, code: input.error.code, status: input.status, ms }, 'upstream failure');
  void rt.audit
    .append({ type: 'outcome', time: new Date().toISOString(), requestId: input.requestId, upstreamStatus: input.status, error: input.error.code, upstreamMs: Math.round(ms) })
    .catch(() => undefined);
}
