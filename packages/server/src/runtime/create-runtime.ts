import { dirname, join } from 'node:path';
import {
  configuredInspector,
  type AuditSink,
  type CompiledPolicy,
  type Inspector,
  type Layer,
  type RampartConfig,
  type Store,
} from '@rampart/core';
import { createBatchedAuditSink } from '../audit/batched-audit-sink.js';
import { loadOrCreateAuditSigningKey } from '../audit/audit-signing-key.js';
import { createKeyService, type KeyService } from '../auth/key-service.js';
import { startDemoUpstream } from '../demo/demo-upstream.js';
import { createModelCatalog, type ModelCatalog } from '../gateway/model-catalog.js';
import { createGatewayMetrics, type GatewayMetrics } from '../observability/metrics.js';
import type { Logger } from '../observability/logger.js';
import { openStore } from '../store/open-store.js';
import { createUpstreamClient, type UpstreamClient } from '../upstream/upstream-client.js';
import { startIntegrityMonitor, type IntegrityCheck, type IntegrityMonitor } from './integrity-monitor.js';

/** Everything a running gateway holds, built once from the frozen config. */
export interface Runtime {
  readonly config: Readonly<RampartConfig>;
  readonly logger: Logger;
  readonly store: Store;
  readonly keys: KeyService;
  readonly layers: readonly Layer[];
  readonly policy: CompiledPolicy;
  readonly policySource: string;
  readonly inspector: Inspector;
  readonly audit: AuditSink & { flush(): Promise<void> };
  readonly upstream: UpstreamClient;
  readonly models: ModelCatalog;
  readonly metrics: GatewayMetrics;
  /** Pinned model folders and their latest verification (`integrity.models`). */
  readonly integrity: IntegrityMonitor;
  /** Set when the built-in demo upstream is serving (no upstream configured). */
  readonly demoUpstreamUrl: string | undefined;
  close(): Promise<void>;
}

export function auditKeyFile(config: Readonly<RampartConfig>): string {
  return config.audit.signingKeyFile ?? join(config.dataDir, 'audit-signing.key');
}

/**
 * Assembles the runtime. Order matters for failure: config-derived pieces (layers, policy) load
 * first so a broken rule pack or policy fails before anything is opened; then the store, the
 * audit chain and finally the upstream. Anything opened is closed again if a later step fails.
 */
export async function createRuntime(options: {
  config: Readonly<RampartConfig>;
  logger: Logger;
  configFile?: string | undefined;
  /** Verifiers for `integrity.models`, built by the caller (the CLI uses the assurance package). */
  integrityChecks?: readonly IntegrityCheck[];
}): Promise<Runtime> {
  const { config, logger } = options;
  const baseDir = options.configFile === undefined ? process.cwd() : dirname(options.configFile);
  const { inspector, layers, policy, policySource } = configuredInspector(config, { baseDir, onWarning: (message) => logger.error(message) });

  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      await close().catch((error: unknown) => logger.error({ err: error }, 'error while closing'));
    }
  };
  try {
    const store = await openStore(config.store, config.dataDir);
    closers.push(() => store.close());
    const signingKey = loadOrCreateAuditSigningKey(auditKeyFile(config));
    if (signingKey.created) logger.info({ keyId: signingKey.keyId, file: auditKeyFile(config) }, 'created audit signing key');
    const audit = await createBatchedAuditSink({
      store,
      signingKey,
      durability: config.audit.durability,
      flushIntervalMs: config.audit.flushIntervalMs,
      maxBatch: config.audit.maxBatch,
      checkpointEvery: config.audit.checkpointEvery,
      // One SQLite file has one gateway writing it; PostgreSQL may have several replicas.
      singleWriter: config.store.driver === 'sqlite',
      onError: (error) => logger.error({ err: error }, 'audit append failed'),
    });
    closers.push(() => audit.close());
    if ((options.integrityChecks ?? []).length !== config.integrity.models.length) {
      throw new Error(`integrity.models pins ${config.integrity.models.length} model(s) but ${(options.integrityChecks ?? []).length} verifier(s) were given`);
    }
    // Verified before anything listens: a tampered model is never served, not even briefly.
    const integrity = await startIntegrityMonitor({ checks: options.integrityChecks ?? [], intervalMs: config.integrity.reverifyIntervalSeconds * 1000, deps: { logger, audit } });
    closers.push(async () => integrity.close());

    let demoUpstreamUrl: string | undefined;
    let upstreamUrl = config.upstream.url;
    if (upstreamUrl === undefined) {
      const demo = await startDemoUpstream({ host: '127.0.0.1', port: 0 });
      closers.push(() => demo.close());
      demoUpstreamUrl = demo.url;
      upstreamUrl = demo.url;
    }
    const upstream = createUpstreamClient({
      baseUrl: upstreamUrl,
      ...(config.upstream.apiKey === undefined || demoUpstreamUrl !== undefined ? {} : { apiKey: config.upstream.apiKey }),
      timeoutMs: config.upstream.timeoutMs,
      connectTimeoutMs: config.upstream.connectTimeoutMs,
      maxConnections: config.upstream.maxConnections,
    });
    closers.push(() => upstream.close());
    const models = createModelCatalog({ fixed: config.upstream.models, discover: () => upstream.listModels() });
    const keys = createKeyService(store, { cacheTtlMs: config.auth.keyCacheTtlMs });
    const metrics = createGatewayMetrics();

    await audit.append({ type: 'system', time: new Date().toISOString(), event: 'start', policy: policySource, policyName: policy.name, upstream: demoUpstreamUrl === undefined ? 'configured' : 'demo' });

    let closed = false;
    return {
      config, logger, store, keys, layers, policy, policySource, inspector, audit, upstream, models, metrics, integrity, demoUpstreamUrl,
      async close() {
        if (closed) return;
        closed = true;
        await audit.append({ type: 'system', time: new Date().toISOString(), event: 'stop' }).catch(() => undefined);
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
