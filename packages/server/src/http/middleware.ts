import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { SystemError, type Scope } from '@rampart/core';
import type { KeyService } from '../auth/key-service.js';
import type { IntegrityMonitor } from '../runtime/integrity-monitor.js';
import type { AppEnv } from './app-env.js';

/** Gives every request an id (echoed in `x-rampart-request-id`) before anything can fail. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function rampartRequestId(c, next) {
    c.set('startedAt', process.hrtime.bigint());
    const id = `req_${randomUUID().replaceAll('-', '')}`;
    c.set('requestId', id);
    c.header('x-rampart-request-id', id);
    await next();
  };
}

/**
 * Authenticates the `Authorization: Bearer rk_…` key and requires a scope. Failures throw
 * RampartErrors (401/403) that the app's error handler renders in OpenAI's error format.
 */
export function requireKey(keys: KeyService, scope: Scope): MiddlewareHandler<AppEnv> {
  return async function rampartAuth(c, next) {
    const record = await keys.authenticate(c.req.header('authorization'));
    keys.requireScope(record, scope);
    c.set('apiKey', record);
    await next();
  };
}

/** Refuses chat while a pinned model folder fails verification (fail closed; see `integrity`). */
export function requireIntegrity(integrity: Pick<IntegrityMonitor, 'healthy' | 'states'>): MiddlewareHandler<AppEnv> {
  return async function integrityGate(_c, next) {
    if (!integrity.healthy()) {
      const failed = integrity.states().filter((s) => !s.ok).map((s) => s.name);
      throw new SystemError('RAMPART_E_MODEL_INTEGRITY', `Pinned model ${failed.join(', ')} failed integrity verification; refusing to serve until it verifies again.`);
    }
    await next();
  };
}
