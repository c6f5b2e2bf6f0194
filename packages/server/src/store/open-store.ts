import { join } from 'node:path';
import { UserError, type Store } from '@rampart/core';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';

/** The file name of the SQLite store inside the data directory. */
export const SQLITE_FILE_NAME = 'rampart.db';

/**
 * Opens the store the configuration names: SQLite at `<dataDir>/rampart.db` (the default), or
 * PostgreSQL at `settings.url`.
 *
 * @example
 * const store = await openStore(config.store, config.dataDir);
 */
export async function openStore(
  settings: { readonly driver: 'sqlite' | 'postgres'; readonly url?: string | undefined },
  dataDir: string,
): Promise<Store> {
  switch (settings.driver) {
    case 'sqlite':
      return openSqliteStore(join(dataDir, SQLITE_FILE_NAME));
    case 'postgres':
      if (settings.url === undefined) {
        throw new UserError('RAMPART_E_CONFIG_INVALID', 'store.url is required when store.driver is postgres.');
      }
      return openPostgresStore(settings.url);
  }
}
