import { serve, type ServerType } from '@hono/node-server';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '../runtime/create-runtime.js';
import { createApp } from './create-app.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, lets in-flight requests finish, then closes the runtime. */
  close(): Promise<void>;
}

/** Listens on the configured host and port (port 0 picks a free one, for tests). */
export async function startServer(rt: Runtime, options: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const app = createApp(rt);
  const host = options.host ?? rt.config.server.host;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? rt.config.server.port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  // Keep-alive sockets must outlive a load balancer's idle timeout, or it reuses dead sockets.
  const http = server as HttpServer;
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          http.closeIdleConnections?.();
        });
        await rt.close();
      })();
      return closing;
    },
  };
}
