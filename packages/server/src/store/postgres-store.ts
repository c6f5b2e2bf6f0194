import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { RampartError, SystemError, UserError, type Store } from '@rampart/core';
import type { Database } from './database-schema.js';
import { createKyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';

export interface PostgresStoreOptions {
  /**
   * Schema to keep the tables in, created if missing and put alone on the connection's
   * search_path. Lets several deployments (or test runs) share one database without meeting.
   * Lowercase letters, digits and `_` only. Default: the server's `current_schema()`.
   */
  readonly schema?: string;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** How long to wait for a connection before failing. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
}

/** Unquoted-identifier syntax, so the name means the same in search_path and in DDL. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Connects to PostgreSQL, brings the schema up to date and returns the store. Connection failures
 * become `SystemError('RAMPART_E_STORE_UNAVAILABLE')` naming host, port and database: never the
 * URL itself, which may carry a password.
 *
 * @example
 * const store = await openPostgresStore('postgres://rampart@db:5432/rampart', { poolSize: 20 });
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const target = describeTarget(url);
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new UserError(
      'RAMPART_E_CONFIG_INVALID',
      `PostgreSQL schema name ${JSON.stringify(schema.slice(0, 80))} must match ${SCHEMA_NAME.source}.`,
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    // A startup parameter rather than a SET after connecting: every pooled connection gets it
    // before its first query, with no window in which a query could run against another schema.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle pooled connection that dies (server restart, network cut) emits 'error' on the pool;
  // unhandled, that event would crash the process. The pool already discards the connection and
  // the next query reports the failure through its own promise, so there is nothing to add here.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw unavailable(`Cannot connect to PostgreSQL at ${target.label}`, error, target.secrets);
  }
  try {
    const tableSchema = schema ?? (await currentSchema(db));
    if (schema !== undefined) await ensureSchema(db, schema);
    await migrateToLatest(db as Kysely<unknown>, { dialect: 'postgres', migrationTableSchema: tableSchema });
  } catch (error) {
    await db.destroy();
    const cause = error instanceof RampartError && error.cause !== undefined ? error.cause : error;
    throw unavailable(`Cannot prepare the PostgreSQL store at ${target.label}`, cause, target.secrets);
  }
  return createKyselyStore(db, { dialect: 'postgres' });
}

interface Target {
  /** `host:port/database`, safe to show. */
  readonly label: string;
  /** Strings that must never appear in a message (the password, raw and percent-decoded). */
  readonly secrets: readonly string[];
}

function describeTarget(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // No cause: Node's URL error carries the input, password included.
    throw new UserError('RAMPART_E_CONFIG_INVALID', 'store.url is not a valid URL (postgres://user@host:5432/database).');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new UserError('RAMPART_E_CONFIG_INVALID', 'store.url must start with postgres:// or postgresql://.');
  }
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  const port = parsed.port || '5432';
  const database = safeDecode(parsed.pathname.replace(/^\//, '')) || '(default database)';
  const secrets = [parsed.password, safeDecode(parsed.password)].filter((s) => s.length > 0);
  return { label: `${host}:${port}/${database}`, secrets };
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(db);
  const name = rows[0]?.name;
  if (name === null || name === undefined) {
    throw new SystemError('RAMPART_E_STORE_UNAVAILABLE', 'No schema on the PostgreSQL search_path exists.');
  }
  return name;
}

async function ensureSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await db.schema.createSchema(schema).ifNotExists().execute();
  } catch (error) {
    // Two replicas creating the same schema at once can both pass IF NOT EXISTS; the loser's
    // error is harmless once the schema is there.
    const { rows } = await sql<{ found: number }>`select 1 as found from pg_namespace where nspname = ${schema}`.execute(db);
    if (rows.length === 0) throw error;
  }
}

function unavailable(what: string, cause: unknown, secrets: readonly string[]): SystemError {
  let reason = cause instanceof Error ? cause.message : String(cause);
  for (const secret of secrets) reason = reason.split(secret).join('***');
  return new SystemError('RAMPART_E_STORE_UNAVAILABLE', `${what}: ${reason}`, { cause });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
