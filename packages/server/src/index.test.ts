import { describe, expect, it } from 'vitest';
import * as server from './index.js';

/** Pins the package's public surface: adding or removing an export is a visible decision. */
describe('@rampart/server exports', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(server).sort()).toEqual(
      [
        'BANNER_EXAMPLES',
        'auditKeyFile',
        'bootstrapFirstStart',
        'createApp',
        'createKeyService',
        'createLogger',
        'createRuntime',
        'loadAuditPublicKey',
        'loadConfiguredPolicy',
        'loadOrCreateAuditSigningKey',
        'openStore',
        'startDemoUpstream',
        'startIntegrityMonitor',
        'startServer',
      ].sort(),
    );
  });
});
