import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { SystemError } from '@rampart/core';

export type StoreDialect = 'sqlite' | 'postgres';

/**
 * The schema, as in-code migrations: the server ships as compiled JavaScript, so migrations on
 * disk would be one more thing to package and find at run time. Names sort in the order they
 * apply; a migration, once released, is never edited, only followed by a new one.
 *
 * The schema builder calls are the same for both dialects except the audit sequence type: SQLite
 * stores every integer in up to 8 bytes and `INTEGER PRIMARY KEY` makes the column the rowid, while
 * PostgreSQL needs BIGINT for a log that may outgrow 2^31 rows.
 */
export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  const seqType = dialect === 'postgres' ? 'bigint' : 'integer';
  const migrations: Record<string, Migration> = {
    '0001_initial': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('tier', 'text', (c) => c.notNull())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('organization', 'text')
          .addColumn('model_allow_list', 'text')
          .addColumn('expires_at', 'text')
          .addColumn('revoked_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('hold_for_review', 'integer', (c) => c.notNull())
          .addColumn('shadow', 'integer', (c) => c.notNull())
          .addColumn('salt', 'text', (c) => c.notNull())
          .addColumn('secret_hash', 'text', (c) => c.notNull())
          .execute();
        // listKeys orders by creation; the admin API filters by organization.
        await db.schema.createIndex('api_keys_created_at_idx').on('api_keys').columns(['created_at', 'id']).execute();
        await db.schema.createIndex('api_keys_organization_idx').on('api_keys').column('organization').execute();

        // No foreign key to api_keys: a review must outlive anything done to its key, and
        // anonymous principals have no key row.
        await db.schema
          .createTable('reviews')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('request_id', 'text', (c) => c.notNull())
          .addColumn('key_id', 'text', (c) => c.notNull())
          .addColumn('model', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('reasons', 'text', (c) => c.notNull())
          .addColumn('request_body', 'text', (c) => c.notNull())
          .addColumn('decided_by', 'text')
          .addColumn('decided_at', 'text')
          .addColumn('note', 'text')
          .addColumn('response_body', 'text')
          .execute();
        // The review queue: pending reviews, newest first.
        await db.schema
          .createIndex('reviews_status_created_at_idx')
          .on('reviews')
          .columns(['status', 'created_at'])
          .execute();
        await db.schema.createIndex('reviews_created_at_idx').on('reviews').column('created_at').execute();

        await db.schema
          .createTable('audit_log')
          .addColumn('seq', seqType, (c) => c.primaryKey())
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .execute();

        // A checkpoint signs a head that exists in the log.
        await db.schema
          .createTable('audit_checkpoints')
          .addColumn('seq', seqType, (c) => c.primaryKey().references('audit_log.seq'))
          .addColumn('head_hash', 'text', (c) => c.notNull())
          .addColumn('signed_at', 'text', (c) => c.notNull())
          .addColumn('key_id', 'text', (c) => c.notNull())
          .addColumn('signature', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
  return { getMigrations: () => Promise.resolve(migrations) };
}

/**
 * Brings the schema up to date. Safe to run from several replicas at once: Kysely's Migrator
 * takes a lock (an advisory lock on PostgreSQL) and skips migrations already applied.
 *
 * `migrationTableSchema` must name the schema the tables live in on PostgreSQL: without it Kysely
 * looks for its bookkeeping tables in every schema and would mistake another schema's for ours.
 *
 * @example
 * await migrateToLatest(db, { dialect: 'sqlite' });
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  options: { dialect: StoreDialect; migrationTableSchema?: string },
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(options.dialect),
    ...(options.migrationTableSchema === undefined ? {} : { migrationTableSchema: options.migrationTableSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new SystemError(
      'RAMPART_E_STORE_UNAVAILABLE',
      failed === undefined ? 'Store migrations failed.' : `Store migration ${failed} failed.`,
      { cause: error },
    );
  }
}
