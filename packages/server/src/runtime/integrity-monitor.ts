import type { AuditSink } from '@rampart/core';
import type { Logger } from '../observability/logger.js';

/**
 * One pinned artifact: something that can re-check itself against a signed manifest. The CLI
 * builds these from `integrity.models` with the assurance package's verifier, so the server
 * stays free of signing code and tests can pass their own.
 */
export interface IntegrityCheck {
  readonly name: string;
  /** Resolves with the problems found (empty when the artifact matches); never rejects on a mismatch. */
  verify(): Promise<{ readonly ok: boolean; readonly problems: readonly string[] }>;
}

export interface IntegrityState {
  readonly name: string;
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly verifiedAt: string;
}

export interface IntegrityMonitor {
  /** True when every pinned artifact passed its latest verification (or none is pinned). */
  healthy(): boolean;
  states(): readonly IntegrityState[];
  /** Verifies every artifact now (runs are serialized: a slow disk never stacks runs). */
  runNow(): Promise<void>;
  close(): void;
}

/** At most this many problems are kept per artifact in logs and audit records. */
const MAX_PROBLEMS = 50;

/**
 * Verifies pinned artifacts at start and every `intervalMs`. A failure is logged, written to the
 * audit log and makes `healthy()` false until a later run passes: the gateway then reports not
 * ready and refuses chat requests (fail closed: serving weights nobody signed is the risk this
 * guards against). A verifier that throws counts as a failure, never as a pass.
 */
export async function startIntegrityMonitor(options: {
  checks: readonly IntegrityCheck[];
  intervalMs: number;
  deps: { logger: Logger; audit: AuditSink };
}): Promise<IntegrityMonitor> {
  const { checks, intervalMs, deps } = options;
  const states = new Map<string, IntegrityState>();
  let running: Promise<void> | undefined;

  const verifyOne = async (check: IntegrityCheck): Promise<void> => {
    let result: { ok: boolean; problems: readonly string[] };
    try {
      result = await check.verify();
    } catch (error) {
      result = { ok: false, problems: [`verification failed: ${error instanceof Error ? error.message : String(error)}`] };
    }
    const previous = states.get(check.name);
    const problems = result.problems.slice(0, MAX_PROBLEMS);
    states.set(check.name, { name: check.name, ok: result.ok, problems, verifiedAt: new Date().toISOString() });
    if (!result.ok) {
      deps.logger.error({ model: check.name, problems }, 'pinned model failed integrity verification: refusing to serve');
      // The incident store does not exist yet; the audit record is the durable trace.
      await deps.audit.append({ type: 'system', time: new Date().toISOString(), event: 'integrity_failed', model: check.name, problems }).catch(() => undefined);
    } else if (previous !== undefined && !previous.ok) {
      deps.logger.info({ model: check.name }, 'pinned model verified again: serving');
      await deps.audit.append({ type: 'system', time: new Date().toISOString(), event: 'integrity_restored', model: check.name }).catch(() => undefined);
    }
  };

  const runNow = (): Promise<void> => {
    running ??= (async () => {
      try {
        for (const check of checks) await verifyOne(check);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  await runNow();
  const timer = checks.length === 0 ? undefined : setInterval(() => void runNow(), intervalMs);
  timer?.unref();
  return {
    // Read on every chat request: a loop over the few pinned models, no allocation.
    healthy: () => {
      for (const state of states.values()) if (!state.ok) return false;
      return true;
    },
    states: () => [...states.values()],
    runNow,
    close: () => clearInterval(timer),
  };
}
