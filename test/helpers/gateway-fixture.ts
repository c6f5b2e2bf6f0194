import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { RampartConfig, type Tier, type Scope } from '@rampart/core';
import { createLogger, createRuntime, startServer, type IntegrityCheck, type Runtime, type RunningServer } from '@rampart/server';

export interface GatewayFixture {
  readonly url: string;
  readonly rt: Runtime;
  readonly server: RunningServer;
  readonly dataDir: string;
  readonly logs: string[];
  key(input?: { tier?: Tier; scopes?: Scope[]; holdForReview?: boolean; shadow?: boolean; models?: string[]; organization?: string }): Promise<string>;
  chat(key: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Parsed audit records (oldest first). */
  auditRecords(): Promise<Array<Record<string, unknown>>>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * A real gateway on a port-0 socket with its own data directory, the built-in demo upstream
 * (unless `upstream.url` is given) and logs captured in memory instead of printed.
 */
export async function startGateway(overrides: Record<string, unknown> = {}, options: { dataDir?: string; integrityChecks?: IntegrityCheck[] } = {}): Promise<GatewayFixture> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'rampart-test-'));
  const config = RampartConfig.parse({ dataDir, log: { level: 'info' }, ...overrides });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: 'info', destination: sink });
  const rt = await createRuntime({ config, logger, ...(options.integrityChecks === undefined ? {} : { integrityChecks: options.integrityChecks }) });
  const server = await startServer(rt, { port: 0, host: '127.0.0.1' });
  const url = server.url;
  return {
    url,
    rt,
    server,
    dataDir,
    logs,
    async key(input = {}) {
      const created = await rt.keys.create({
        name: `test-${input.tier ?? 'standard'}`,
        tier: input.tier ?? 'standard',
        scopes: input.scopes ?? ['chat'],
        holdForReview: input.holdForReview ?? false,
        shadow: input.shadow ?? false,
        ...(input.models === undefined ? {} : { models: input.models }),
        ...(input.organization === undefined ? {} : { organization: input.organization }),
      });
      return created.key;
    },
    chat(key, body, headers = {}) {
      return fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    async auditRecords() {
      await rt.audit.flush();
      const rows = await rt.store.readAudit(0, 100_000);
      return rows.map((row) => JSON.parse(row.body) as Record<string, unknown>);
    },
    async close(closeOptions = {}) {
      await server.close();
      if (closeOptions.keepData !== true && options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function userMessage(content: string, model = 'demo-model', extra: Record<string, unknown> = {}) {
  return { model, messages: [{ role: 'user', content }], ...extra };
}
