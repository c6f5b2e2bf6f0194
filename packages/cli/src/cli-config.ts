import { loadConfig, type LoadedConfig } from '@rampart/core';
import type { CliIo } from './cli-io.js';

export interface GlobalOptions {
  readonly config?: string | undefined;
}

export function loadCliConfig(io: CliIo, global: GlobalOptions): LoadedConfig {
  return loadConfig({ file: global.config, env: io.env });
}
