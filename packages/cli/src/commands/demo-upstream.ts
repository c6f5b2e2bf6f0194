import { once } from 'node:events';
import { startDemoUpstream } from '@rampart/server';
import { writeLine, type CliIo, type ExitCode } from '../cli-io.js';

/** `rampart demo-upstream`: the demo model server on its own, for trying Rampart or benchmarks. */
export async function demoUpstreamCommand(io: CliIo, opts: { port: string; host: string }): Promise<ExitCode> {
  const demo = await startDemoUpstream({ host: opts.host, port: Number(opts.port) });
  writeLine(io.stderr, `rampart demo upstream listening on ${demo.url}`);
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await demo.close();
  return 0;
}
