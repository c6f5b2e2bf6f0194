import type { ColumnType } from 'kysely';

/**
 * The tables behind the Store contract, as Kysely sees them. One shape serves SQLite and
 * PostgreSQL, so the column types are the portable subset:
 * - JSON arrays (scopes, model allow list, review reasons) are TEXT holding JSON;
 * - booleans are INTEGER 0/1 (SQLite has no boolean type);
 * - times are ISO-8601 TEXT in UTC (`toISOString()`), which also sorts correctly as text;
 * - audit `seq` is INTEGER in SQLite and BIGINT in PostgreSQL. node-postgres returns BIGINT as a
 *   string to avoid losing precision, so reads are typed `number | string` and the store maps them
 *   back to a safe integer.
 */
export interface Database {
  api_keys: ApiKeysTable;
  reviews: ReviewsTable;
  audit_log: AuditLogTable;
  audit_checkpoints: AuditCheckpointsTable;
  meta: MetaTable;
}

/** A 64-bit sequence number: written as a number, read back as a number (SQLite) or string (pg). */
export type SeqColumn = ColumnType<number | string, number, number>;

export interface ApiKeysTable {
  id: string;
  name: string;
  tier: string;
  /** JSON array of scopes. */
  scopes: string;
  organization: string | null;
  /** JSON array of model names, or NULL for every model. */
  model_allow_list: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  hold_for_review: number;
  shadow: number;
  salt: string;
  secret_hash: string;
}

export interface ReviewsTable {
  id: string;
  request_id: string;
  key_id: string;
  model: string;
  created_at: string;
  status: string;
  /** JSON array of reason codes. */
  reasons: string;
  request_body: string;
  decided_by: string | null;
  decided_at: string | null;
  note: string | null;
  response_body: string | null;
}

export interface AuditLogTable {
  seq: SeqColumn;
  prev_hash: string;
  hash: string;
  body: string;
}

export interface AuditCheckpointsTable {
  seq: SeqColumn;
  head_hash: string;
  signed_at: string;
  key_id: string;
  signature: string;
}

export interface MetaTable {
  key: string;
  value: string;
}
