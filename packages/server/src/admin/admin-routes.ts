import { Hono } from 'hono';
import { z } from 'zod';
import { SCOPES, TIERS, UserError, toRampartError, type ReviewRecord } from '@rampart/core';
import type { AppEnv } from '../http/app-env.js';
import { requireKey } from '../http/middleware.js';
import { readBodyWithLimit } from '../http/read-body.js';
import type { Runtime } from '../runtime/create-runtime.js';

const CreateKeyBody = z
  .object({
    name: z.string().min(1).max(200),
    tier: z.enum(TIERS),
    scopes: z.array(z.enum(SCOPES)).min(1).default(['chat']),
    organization: z.string().min(1).max(200).optional(),
    models: z.array(z.string().min(1)).optional(),
    expiresAt: z.string().datetime({ offset: true }).optional(),
    holdForReview: z.boolean().default(false),
    shadow: z.boolean().default(false),
  })
  .strict();
type CreateKeyBody = z.infer<typeof CreateKeyBody>;

/** Admin bodies are small JSON objects; nothing legitimate comes near this. */
const ADMIN_BODY_LIMIT = 64 * 1024;

const DecideBody = z.object({ note: z.string().max(2000).optional() }).strict();

/**
 * `/admin/...`: the HTTP twin of the CLI. Keys need scope `admin`; the review queue needs
 * `review`. Every change is written to the audit log with the acting key.
 */
export function adminRoutes(rt: Runtime): Hono<AppEnv> {
  const admin = new Hono<AppEnv>();
  const adminOnly = requireKey(rt.keys, 'admin');
  const reviewers = requireKey(rt.keys, 'review');

  admin.get('/keys', adminOnly, async (c) => c.json({ object: 'list', data: await rt.keys.list() }));

  admin.post('/keys', adminOnly, async (c) => {
    const body = await jsonBody(c.req.raw, CreateKeyBody);
    const created = await rt.keys.create(createInput(body));
    await rt.audit.append({ type: 'key', time: new Date().toISOString(), event: 'created', keyId: created.record.id, name: body.name, tier: body.tier, scopes: body.scopes, by: c.get('apiKey').id });
    const { salt: _salt, secretHash: _hash, ...record } = created.record;
    return c.json({ key: created.key, ...record }, 201);
  });

  admin.delete('/keys/:id', adminOnly, async (c) => {
    const id = c.req.param('id');
    if (!(await rt.keys.revoke(id))) throw new UserError('RAMPART_E_KEY_NOT_FOUND', `No key with id ${id}.`);
    await rt.audit.append({ type: 'key', time: new Date().toISOString(), event: 'revoked', keyId: id, by: c.get('apiKey').id });
    return c.json({ id, revoked: true });
  });

  admin.get('/reviews', reviewers, async (c) => {
    const status = c.req.query('status');
    const parsed = z.enum(['pending', 'approved', 'rejected']).optional().safeParse(status);
    if (!parsed.success) throw new UserError('RAMPART_E_INPUT_INVALID', 'status must be pending, approved or rejected', { param: 'status' });
    const reviews = await rt.store.listReviews({ ...(parsed.data === undefined ? {} : { status: parsed.data }), limit: 200 });
    return c.json({ object: 'list', data: reviews });
  });

  admin.get('/reviews/:id', reviewers, async (c) => {
    const review = await rt.store.getReview(c.req.param('id'));
    if (review === undefined) throw new UserError('RAMPART_E_REVIEW_NOT_FOUND', 'No such review.');
    return c.json(review);
  });

  for (const verdict of ['approve', 'reject'] as const) {
    admin.post(`/reviews/:id/${verdict}`, reviewers, async (c) => {
      const id = c.req.param('id');
      const { note } = await jsonBody(c.req.raw, DecideBody, true);
      const review = await rt.store.getReview(id);
      if (review === undefined) throw new UserError('RAMPART_E_REVIEW_NOT_FOUND', 'No such review.');
      const status = verdict === 'approve' ? 'approved' : 'rejected';
      const by = c.get('apiKey').id;
      const changed = await rt.store.decideReview(id, { status, by, at: new Date().toISOString(), note: note ?? null });
      if (!changed) throw new UserError('RAMPART_E_REVIEW_NOT_PENDING', `Review ${id} is already ${review.status}.`);
      await rt.audit.append({ type: 'review', time: new Date().toISOString(), event: status, reviewId: id, requestId: review.requestId, by, note: note ?? null });
      if (status === 'approved') await serveApproved(rt, review);
      return c.json({ ...(await rt.store.getReview(id)), requestBody: undefined });
    });
  }
  return admin;
}

/**
 * Serves an approved request once (never streamed: the requester collects it later) and keeps
 * the answer with the review. An upstream failure is kept as the answer too, so the requester
 * learns what happened instead of polling forever.
 */
async function serveApproved(rt: Runtime, review: Pick<ReviewRecord, 'id' | 'requestBody' | 'requestId'>): Promise<void> {
  const { id: reviewId, requestBody, requestId } = review;
  let responseBody: string;
  try {
    const request = JSON.parse(requestBody) as Record<string, unknown>;
    const upstream = await rt.upstream.chatCompletion(JSON.stringify({ ...request, stream: false, stream_options: undefined }), { stream: false, requestId });
    responseBody = typeof upstream.body === 'string' ? upstream.body : JSON.stringify({ error: 'unexpected stream' });
    await rt.audit.append({ type: 'outcome', time: new Date().toISOString(), requestId, reviewId, upstreamStatus: upstream.status });
  } catch (thrown) {
    const error = toRampartError(thrown);
    responseBody = JSON.stringify(error.toOpenAIError());
    await rt.audit.append({ type: 'outcome', time: new Date().toISOString(), requestId, reviewId, error: error.code });
  }
  await rt.store.setReviewResponse(reviewId, responseBody);
}

function createInput(body: CreateKeyBody) {
  return {
    name: body.name,
    tier: body.tier,
    scopes: body.scopes,
    holdForReview: body.holdForReview,
    shadow: body.shadow,
    ...(body.organization === undefined ? {} : { organization: body.organization }),
    ...(body.models === undefined ? {} : { models: body.models }),
    ...(body.expiresAt === undefined ? {} : { expiresAt: body.expiresAt }),
  };
}

async function jsonBody<T>(request: Request, schema: z.ZodType<T>, emptyOk = false): Promise<T> {
  const text = new TextDecoder().decode(await readBodyWithLimit(request, ADMIN_BODY_LIMIT));
  let json: unknown = {};
  if (text.trim().length > 0 || !emptyOk) {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new UserError('RAMPART_E_REQUEST_MALFORMED_JSON', `The request body is not valid JSON: ${(error as Error).message}`);
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new UserError('RAMPART_E_REQUEST_INVALID_BODY', 'Invalid request body', {
      details: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
    });
  }
  return parsed.data;
}
