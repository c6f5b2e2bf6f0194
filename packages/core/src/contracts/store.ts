/**
 * The store contract. One interface, implemented by the SQLite adapter (default) and the
 * PostgreSQL adapter, and exercised by one contract test suite. Imports nothing.
 */

export interface ApiKeyRecord {
  /** Public identifier, also embedded in the key string (`rk_<id>_<secret>`). */
  readonly id: string;
  readonly name: string;
  readonly tier: 'anonymous' | 'standard' | 'verified-security' | 'internal';
  readonly scopes: readonly ('chat' | 'review' | 'admin')[];
  readonly organization: string | null;
  /** Models this key may call; `null` means every model the gateway serves. */
  readonly modelAllowList: readonly string[] | null;
  /** ISO-8601 time, or null for no expiry. */
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly createdAt: string;
  /** Every request of this principal is held for manual approval. */
  readonly holdForReview: boolean;
  /** Policy decisions for this key are logged but served as `allow`. */
  readonly shadow: boolean;
  /** base64url salt and HMAC-SHA-256 of the secret. The secret itself is never stored. */
  readonly salt: string;
  readonly secretHash: string;
}

export type ReviewStatus = 'pending' | 'approved' | 'rejected';

export interface ReviewRecord {
  readonly id: string;
  readonly requestId: string;
  readonly keyId: string;
  readonly model: string;
  readonly createdAt: string;
  readonly status: ReviewStatus;
  readonly reasons: readonly string[];
  /** The held request body: kept so a reviewer can read it and an approval can serve it. */
  readonly requestBody: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly note: string | null;
  /** Upstream response body once an approved request has been served. */
  readonly responseBody: string | null;
}

/** One row of the hash-chained audit log. */
export interface AuditRow {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  /** Canonical JSON of the record body (what `hash` covers together with `prevHash`). */
  readonly body: string;
}

/** A signed statement of the chain head at `seq`. */
export interface AuditCheckpointRow {
  readonly seq: number;
  readonly headHash: string;
  readonly signedAt: string;
  readonly keyId: string;
  /** base64 Ed25519 signature over the checkpoint statement. */
  readonly signature: string;
}

export interface KeyStore {
  insertKey(key: ApiKeyRecord): Promise<void>;
  getKey(id: string): Promise<ApiKeyRecord | undefined>;
  listKeys(): Promise<ApiKeyRecord[]>;
  /** Returns false when no such key exists. Revoking twice keeps the first time. */
  revokeKey(id: string, at: string): Promise<boolean>;
}

export interface ReviewStore {
  insertReview(review: ReviewRecord): Promise<void>;
  getReview(id: string): Promise<ReviewRecord | undefined>;
  listReviews(filter: { status?: ReviewStatus; limit: number }): Promise<ReviewRecord[]>;
  /** Moves a pending review to approved/rejected; returns false if it was not pending. */
  decideReview(
    id: string,
    decision: { status: 'approved' | 'rejected'; by: string; at: string; note: string | null },
  ): Promise<boolean>;
  setReviewResponse(id: string, responseBody: string): Promise<void>;
}

export interface AuditStore {
  /** Appends rows atomically (one transaction). Sequence numbers must continue the chain. */
  appendAudit(rows: readonly AuditRow[], checkpoint: AuditCheckpointRow | undefined): Promise<void>;
  /** The last row, or undefined for an empty log. */
  lastAudit(): Promise<AuditRow | undefined>;
  /** Rows in ascending `seq` order, starting after `afterSeq`. */
  readAudit(afterSeq: number, limit: number): Promise<AuditRow[]>;
  listCheckpoints(): Promise<AuditCheckpointRow[]>;
}

export interface MetaStore {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
}

export interface Store extends KeyStore, ReviewStore, AuditStore, MetaStore {
  /** Cheap round trip used by `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
