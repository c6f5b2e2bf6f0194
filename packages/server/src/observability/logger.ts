import { destination as pinoDestination, pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Secrets are redacted at the logger so no call site can leak them; the
 * destination is asynchronous because the audit log, not this one, is the durable record.
 */
export function createLogger(options: { level: string; destination?: NodeJS.WritableStream | number }): Logger {
  const destination =
    typeof options.destination === 'object' ? options.destination : pinoDestination({ dest: options.destination ?? 1, sync: false });
  return pino(
    {
      level: options.level,
      base: { service: 'rampart' },
      redact: {
        paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'apiKey', '*.apiKey', 'key', 'secret'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
