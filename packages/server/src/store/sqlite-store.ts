import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { RampartError, SystemError, type Store } from '@rampart/core';
import type { Database } from './database-schema.js';
import { createKyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import { createSqliteAuditAppender } from './sqlite-audit-appender.js';

export interface SqliteStoreOptions {
  /**
   * SQLite's `synchronous` pragma. With WAL, `NORMAL` (the default here) never corrupts the
   * database, and a committed transaction survives a crash of the process; only a power loss or
   * an OS crash may lose the last transactions since the WAL was last synced. `FULL` syncs the
   * WAL on every commit and closes that window at the cost of an fsync per write: choose it when
   * the audit log's guarantee must hold across power loss.
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

/** How long a write waits for another connection's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating it and its directory if needed) the SQLite database at `file` and brings its
 * schema up to date. `:memory:` gives a private in-memory store.
 *
 * @example
 * const store = await openSqliteStore('/var/lib/rampart/rampart.db', { synchronous: 'FULL' });
 */
export async function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const path = file === ':memory:' ? file : resolve(file);
  const database = openDatabase(path, options);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  try {
    await migrateToLatest(db as Kysely<unknown>, { dialect: 'sqlite' });
  } catch (error) {
    await db.destroy();
    const cause = error instanceof RampartError && error.cause !== undefined ? error.cause : error;
    throw unavailable(`Cannot prepare the SQLite store at ${path}`, cause);
  }
  return { ...createKyselyStore(db, { dialect: 'sqlite' }), appendAudit: createSqliteAuditAppender(database) };
}

function openDatabase(path: string, options: SqliteStoreOptions): BetterSqlite3.Database {
  let database: BetterSqlite3.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    database = new BetterSqlite3(path);
    // WAL lets readers (the console, `rampart audit verify`) run while the gateway writes.
    database.pragma('journal_mode = WAL');
    database.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    database.pragma('foreign_keys = ON');
    return database;
  } catch (error) {
    database?.close();
    throw unavailable(`Cannot open the SQLite store at ${path}`, error);
  }
}

function unavailable(what: string, cause: unknown): SystemError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new SystemError('RAMPART_E_STORE_UNAVAILABLE', `${what}: ${reason}`, { cause });
}
