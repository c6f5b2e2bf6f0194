export { createApp } from './http/create-app.js';
export { startServer, type RunningServer } from './http/start-server.js';
export { createRuntime, auditKeyFile, type Runtime } from './runtime/create-runtime.js';
export { startIntegrityMonitor, type IntegrityCheck, type IntegrityMonitor, type IntegrityState } from './runtime/integrity-monitor.js';
// Kept on the server's surface (it moved to core with configuredInspector).
export { loadConfiguredPolicy } from '@rampart/core';
export { bootstrapFirstStart, BANNER_EXAMPLES } from './runtime/bootstrap.js';
export { createLogger, type Logger } from './observability/logger.js';
export { createKeyService, type KeyService } from './auth/key-service.js';
export { openStore } from './store/open-store.js';
export { loadAuditPublicKey, loadOrCreateAuditSigningKey } from './audit/audit-signing-key.js';
export { startDemoUpstream } from './demo/demo-upstream.js';
