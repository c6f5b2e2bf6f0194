import type { ApiKeyRecord } from '@rampart/core';

/** Per-request values the middleware sets for the handlers. */
export interface AppEnv {
  Variables: {
    requestId: string;
    apiKey: ApiKeyRecord;
  };
}
