import { once } from 'node:events';
import { UserError } from '@rampart/core';
import { bootstrapFirstStart, createLogger, createRuntime, startServer } from '@rampart/server';
import { loadCliConfig, type GlobalOptions } from '../cli-config.js';
import { writeLine, type CliIo, type ExitCode } from '../cli-io.js';
import { integrityChecks } from './integrity-checks.js';

/**
 * `rampart serve`: load and validate everything, open the store and the audit chain, start the
 * demo upstream when no upstream is configured, print the first-start banner once, listen, and
 * on SIGINT/SIGTERM drain requests and write a signed checkpoint of the audit chain.
 */
export async function serveCommand(io: CliIo, options: GlobalOptions & { port?: string | undefined }): Promise<ExitCode> {
  const env = { ...io.env };
  if (options.port !== undefined) {
    if (!/^\d+$/.test(options.port)) throw new UserError('RAMPART_E_CLI_USAGE', `--port must be a number, got '${options.port}'.`);
    env['RAMPART_PORT'] = options.port;
  }
  const loaded = loadCliConfig({ ...io, env }, options);
  const { config } = loaded;
  const logger = createLogger({ level: config.log.level });
  const runtime = await createRuntime({ config, logger, configFile: loaded.file, integrityChecks: integrityChecks(config.integrity.models) });
  if (!runtime.integrity.healthy()) {
    writeLine(io.stderr, `rampart: a pinned model failed integrity verification; not ready and refusing chat until it verifies (see the log)`);
  }
  let server;
  try {
    server = await startServer(runtime);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const banner = await bootstrapFirstStart(runtime, server.url);
  if (banner !== undefined) writeLine(io.stdout, banner);
  logger.info(
    { url: server.url, upstream: runtime.demoUpstreamUrl === undefined ? 'configured' : `demo at ${runtime.demoUpstreamUrl}`, policy: runtime.policySource, dataDir: config.dataDir },
    'rampart gateway listening',
  );
  writeLine(io.stderr, `rampart: listening on ${server.url}${runtime.demoUpstreamUrl === undefined ? '' : ' (demo upstream: no RAMPART_UPSTREAM_URL configured)'}`);

  const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  logger.info({ signal }, 'shutting down');
  await server.close();
  logger.flush();
  return 0;
}
