import type { HttpBindings } from '@hono/node-server';
import type { ApiKeyRecord } from '@rampart/core';

/** Per-request values the middleware sets for the handlers, and Node's request/response. */
export interface AppEnv {
  Bindings: Partial<HttpBindings>;
  Variables: {
    requestId: string;
    /** process.hrtime.bigint() when the request reached the app. */
    startedAt: bigint;
    apiKey: ApiKeyRecord;
  };
}
