import { Hono } from 'hono';
import { UserError } from '@rampart/core';
import { adminRoutes } from '../admin/admin-routes.js';
import { handleChatCompletion } from '../gateway/handle-chat.js';
import type { Runtime } from '../runtime/create-runtime.js';
import type { AppEnv } from './app-env.js';
import { errorResponse } from './error-response.js';
import { requestId, requireIntegrity, requireKey } from './middleware.js';

/**
 * The gateway's HTTP app. It never listens by itself (see `startServer`), so tests can drive
 * it over a port-0 socket and embedders can mount it.
 */
export function createApp(rt: Runtime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requestId());

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks = await Promise.allSettled([rt.store.ping(), rt.upstream.ping()]);
    const [store, upstream] = checks.map((r) => (r.status === 'fulfilled' ? 'ok' : 'unavailable'));
    const pinned = rt.integrity.states().length > 0;
    const integrity = rt.integrity.healthy() ? 'ok' : 'failed';
    const ready = store === 'ok' && upstream === 'ok' && integrity === 'ok';
    return c.json({ status: ready ? 'ready' : 'not_ready', checks: { store, upstream, ...(pinned ? { integrity } : {}) } }, ready ? 200 : 503);
  });

  if (rt.config.metrics.enabled) {
    if (!rt.config.metrics.public) app.use('/metrics', requireKey(rt.keys, 'admin'));
    app.get('/metrics', async (c) => c.body(await rt.metrics.registry.metrics(), 200, { 'content-type': rt.metrics.registry.contentType }));
  }

  const chat = requireKey(rt.keys, 'chat');
  app.get('/v1/models', chat, async (c) => {
    const key = c.get('apiKey');
    const allowed = key.modelAllowList;
    const models = (await rt.models.list()).filter((id) => allowed === null || allowed.includes(id));
    return c.json({ object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'rampart' })) });
  });
  app.post('/v1/chat/completions', chat, requireIntegrity(rt.integrity), (c) => handleChatCompletion(rt, c));
  app.get('/v1/rampart/reviews/:id', chat, async (c) => {
    const review = await rt.store.getReview(c.req.param('id'));
    // Another principal's ticket is reported as missing, not forbidden: ids are not an oracle.
    if (review === undefined || review.keyId !== c.get('apiKey').id) throw new UserError('RAMPART_E_REVIEW_NOT_FOUND', 'No such review.');
    const response = review.responseBody === null ? null : parseStoredResponse(review.responseBody);
    return c.json({ id: review.id, status: review.status, reasons: review.reasons, decided_at: review.decidedAt, response });
  });

  app.route('/admin', adminRoutes(rt));

  app.notFound((c) => errorResponse(c, new UserError('RAMPART_E_ROUTE_NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`)).response);
  app.onError((thrown, c) => {
    const { error, response } = errorResponse(c, thrown);
    rt.metrics.httpErrors.inc({ code: error.code });
    if (error.fault === 'system') rt.logger.error({ requestId: c.get('requestId'), code: error.code, err: thrown }, error.message);
    else rt.logger.info({ requestId: c.get('requestId'), code: error.code }, error.message);
    return response;
  });
  return app;
}

/** An upstream that answered an approved request with something other than JSON is shown as text. */
function parseStoredResponse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return { text: body };
  }
}
