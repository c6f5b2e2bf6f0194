import { UserError, type ApiKeyRecord } from '@rampart/core';
import { createKeyService, openStore } from '@rampart/server';
import { loadCliConfig, type GlobalOptions } from '../cli-config.js';
import { writeJson, writeLine, type CliIo, type ExitCode } from '../cli-io.js';

interface CreateOptions {
  name: string;
  tier: ApiKeyRecord['tier'];
  scopes: string;
  org?: string;
  models?: string;
  expires?: string;
  holdForReview?: boolean;
  shadow?: boolean;
  json?: boolean;
}

async function withKeys<T>(io: CliIo, global: GlobalOptions, work: (keys: ReturnType<typeof createKeyService>) => Promise<T>): Promise<T> {
  const { config } = loadCliConfig(io, global);
  const store = await openStore(config.store, config.dataDir);
  try {
    return await work(createKeyService(store, { cacheTtlMs: 0 }));
  } finally {
    await store.close();
  }
}

const list = (value: string | undefined) =>
  value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

export async function keysCreateCommand(io: CliIo, global: GlobalOptions, opts: CreateOptions): Promise<ExitCode> {
  const scopes = list(opts.scopes) ?? ['chat'];
  for (const scope of scopes) {
    if (!['chat', 'review', 'admin'].includes(scope)) throw new UserError('RAMPART_E_CLI_USAGE', `Unknown scope '${scope}' (chat, review, admin).`);
  }
  const models = list(opts.models);
  const created = await withKeys(io, global, (keys) =>
    keys.create({
      name: opts.name,
      tier: opts.tier,
      scopes: scopes as ApiKeyRecord['scopes'][number][],
      holdForReview: opts.holdForReview === true,
      shadow: opts.shadow === true,
      ...(opts.org === undefined ? {} : { organization: opts.org }),
      ...(models === undefined ? {} : { models }),
      ...(opts.expires === undefined ? {} : { expiresAt: opts.expires }),
    }),
  );
  const { salt: _s, secretHash: _h, ...record } = created.record;
  if (opts.json === true) writeJson(io.stdout, { key: created.key, ...record });
  else {
    writeLine(io.stdout, `Created key ${record.id} for ${record.name} (tier ${record.tier}, scopes ${record.scopes.join(',')}).`);
    writeLine(io.stdout, `Secret (shown once, store it now): ${created.key}`);
  }
  return 0;
}

export async function keysListCommand(io: CliIo, global: GlobalOptions, opts: { json?: boolean }): Promise<ExitCode> {
  const keys = await withKeys(io, global, (service) => service.list());
  if (opts.json === true) {
    writeJson(io.stdout, keys);
    return 0;
  }
  if (keys.length === 0) writeLine(io.stdout, 'No keys.');
  for (const key of keys) {
    const state = key.revokedAt !== null ? `revoked ${key.revokedAt}` : key.expiresAt !== null ? `expires ${key.expiresAt}` : 'active';
    const flags = [key.holdForReview ? 'hold-for-review' : '', key.shadow ? 'shadow' : ''].filter(Boolean).join(' ');
    writeLine(io.stdout, `${key.id}  ${key.name}  ${key.tier}  ${key.scopes.join(',')}  ${state}${flags ? `  ${flags}` : ''}`);
  }
  return 0;
}

export async function keysRevokeCommand(io: CliIo, global: GlobalOptions, id: string): Promise<ExitCode> {
  const revoked = await withKeys(io, global, (keys) => keys.revoke(id));
  if (!revoked) throw new UserError('RAMPART_E_KEY_NOT_FOUND', `No key with id ${id}.`);
  writeLine(io.stdout, `Revoked ${id}.`);
  return 0;
}
