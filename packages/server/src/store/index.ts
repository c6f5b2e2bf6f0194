export type { Database } from './database-schema.js';
export { createKyselyStore, type KyselyStoreOptions } from './kysely-store.js';
export { migrateToLatest, migrationProvider, type StoreDialect } from './migrations.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { openStore, SQLITE_FILE_NAME } from './open-store.js';
