import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { UserError } from '../errors/rampart-error.js';
import { RampartConfig } from './schema.js';

/** Environment variables that override the config file, and the key each one sets. */
export const ENV_OVERRIDES = {
  RAMPART_PORT: { path: ['server', 'port'], type: 'int' },
  RAMPART_HOST: { path: ['server', 'host'], type: 'string' },
  RAMPART_DATA_DIR: { path: ['dataDir'], type: 'string' },
  RAMPART_UPSTREAM_URL: { path: ['upstream', 'url'], type: 'string' },
  RAMPART_UPSTREAM_KEY: { path: ['upstream', 'apiKey'], type: 'string' },
  RAMPART_POLICY_FILE: { path: ['policy', 'file'], type: 'string' },
  RAMPART_LOG_LEVEL: { path: ['log', 'level'], type: 'string' },
  RAMPART_STORE_URL: { path: ['store', 'url'], type: 'string' },
} as const satisfies Record<string, { path: readonly string[]; type: 'int' | 'string' }>;

export interface LoadConfigOptions {
  /** Explicit config file. When unset: `RAMPART_CONFIG`, else `./rampart.yaml` if it exists. */
  readonly file?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

export interface LoadedConfig {
  readonly config: Readonly<RampartConfig>;
  /** The file that was read, if any. */
  readonly file: string | undefined;
}

/**
 * Reads the config file and the environment once, validates everything, reports every issue
 * with its key path, and returns a deeply frozen config.
 *
 * @example
 * const { config } = loadConfig({ env: process.env });
 * config.server.port // 8080 unless RAMPART_PORT or rampart.yaml says otherwise
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? env['RAMPART_CONFIG'];
  const file = explicit !== undefined ? resolve(cwd, explicit) : defaultFile(cwd);
  const raw = file === undefined ? {} : readYamlObject(file);
  const fromEnv = applyEnvOverrides(raw, env);
  const parsed = RampartConfig.safeParse(raw);
  if (!parsed.success) {
    const where = file === undefined ? 'the environment' : `${file}${fromEnv.size > 0 ? ' or the environment' : ''}`;
    throw new UserError('RAMPART_E_CONFIG_INVALID', `Invalid configuration in ${where}`, {
      details: parsed.error.issues.map((issue) => {
        const path = issue.path.join('.');
        const variable = fromEnv.get(path);
        return `${path || '(root)'}${variable === undefined ? '' : ` (from ${variable})`}: ${issue.message}`;
      }),
    });
  }
  const config = parsed.data;
  if (env['RAMPART_STORE_URL'] !== undefined) config.store = { ...config.store, driver: 'postgres' };
  config.dataDir = resolve(cwd, config.dataDir);
  if (config.audit.signingKeyFile !== undefined) config.audit = { ...config.audit, signingKeyFile: resolve(cwd, config.audit.signingKeyFile) };
  config.integrity = {
    ...config.integrity,
    models: config.integrity.models.map((m) => ({ ...m, path: resolve(cwd, m.path), signature: resolve(cwd, m.signature), publicKey: resolve(cwd, m.publicKey) })),
  };
  return { config: deepFreeze(config), file };
}

function defaultFile(cwd: string): string | undefined {
  const candidate = resolve(cwd, 'rampart.yaml');
  return existsSync(candidate) ? candidate : undefined;
}

function readYamlObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new UserError('RAMPART_E_CONFIG_NOT_FOUND', `Cannot read config file ${file}`, { cause });
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UserError('RAMPART_E_CONFIG_INVALID', `Config file ${file} is not valid YAML`, {
      details: doc.errors.map((e) => e.message),
    });
  }
  const value: unknown = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value) || value === null) {
    throw new UserError('RAMPART_E_CONFIG_INVALID', `Config file ${file} must hold a mapping at the top level`);
  }
  return value as Record<string, unknown>;
}

/** Applies the overrides; returns which config path each environment variable set. */
function applyEnvOverrides(raw: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const applied = new Map<string, string>();
  for (const [name, spec] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    applied.set(spec.path.join('.'), name);
    let typed: string | number = value;
    if (spec.type === 'int') {
      typed = Number(value);
      if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(typed)) {
        throw new UserError('RAMPART_E_CONFIG_INVALID', `Invalid configuration in the environment`, {
          details: [`${name}: expected an integer, got ${JSON.stringify(value)}`],
        });
      }
    }
    setPath(raw, spec.path, typed);
  }
  return applied;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
