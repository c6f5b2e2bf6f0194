import {
  CreateKeyInput,
  SCOPES,
  UserError,
  generateApiKey,
  hashKeySecret,
  keyUsability,
  newSalt,
  parseApiKey,
  verifyKeySecret,
  type ApiKeyRecord,
  type KeyStore,
  type PrincipalFacts,
  type Scope,
} from '@rampart/core';

export interface KeyServiceOptions {
  /**
   * How long a key record read from the store is reused. A revocation made through this service
   * takes effect at once; one made by another process (another replica, the CLI) takes effect
   * within this time. 0 disables caching.
   */
  readonly cacheTtlMs: number;
  /** Clock for creation and expiry times and the cache; injectable for tests. */
  readonly now?: () => Date;
  /** Upper bound on cached ids, known and unknown. Default 10 000. */
  readonly maxCacheEntries?: number;
}

/** A key record without its salt and hash: what listings show. */
export type PublicApiKeyRecord = Omit<ApiKeyRecord, 'salt' | 'secretHash'>;

export interface CreatedApiKey {
  /** The full key. Returned once; only its salted hash is stored. */
  readonly key: string;
  readonly record: ApiKeyRecord;
}

export interface KeyService {
  create(input: CreateKeyInput): Promise<CreatedApiKey>;
  list(): Promise<PublicApiKeyRecord[]>;
  /** Returns false for an unknown id. Takes effect in this process at once. */
  revoke(id: string): Promise<boolean>;
  /** Resolves the key in an `Authorization: Bearer <key>` header value, or throws a UserError. */
  authenticate(authorizationHeader: string | undefined): Promise<ApiKeyRecord>;
  requireScope(record: ApiKeyRecord, scope: Scope): void;
  requireModel(record: ApiKeyRecord, model: string): void;
  principalFacts(record: ApiKeyRecord): PrincipalFacts;
}

const DEFAULT_MAX_CACHE_ENTRIES = 10_000;
/** RFC 6750 section 2.1; the scheme name is case-insensitive (RFC 9110 section 11.1). */
const BEARER = /^Bearer +(\S+) *$/i;
/** Far above a key's 63 characters; longer headers are refused without further work. */
const MAX_HEADER_LENGTH = 1024;
/**
 * One message for an unparseable key, an unknown id and a wrong secret, so a caller cannot tell
 * which part was wrong (and cannot probe which ids exist).
 */
const INVALID_KEY_MESSAGE = 'Invalid API key.';

interface CacheEntry {
  /** The lookup itself, so concurrent requests for one id share a single store read. */
  readonly record: Promise<ApiKeyRecord | undefined>;
  readonly expiresAtMs: number;
}

/**
 * API key issuing and authentication over a KeyStore.
 *
 * Records are cached by id for `cacheTtlMs` (unknown ids too, so a client retrying a bad key does
 * not hit the store every time). The cache only saves the store read: the secret is verified and
 * revocation and expiry are checked on every request.
 *
 * @example
 * const keys = createKeyService(store, { cacheTtlMs: 5000 });
 * const record = await keys.authenticate(request.headers.get('authorization') ?? undefined);
 * keys.requireScope(record, 'chat');
 */
export function createKeyService(store: KeyStore, options: KeyServiceOptions): KeyService {
  const clock = options.now ?? (() => new Date());
  const maxEntries = Math.max(1, options.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES);
  const cache = new Map<string, CacheEntry>();
  // Verified against when the id is unknown, so that case costs the same HMAC as a wrong secret.
  const decoySalt = newSalt();
  const decoy = { salt: decoySalt.toString('base64url'), secretHash: hashKeySecret(generateApiKey().secret, decoySalt) };

  function lookup(id: string): Promise<ApiKeyRecord | undefined> {
    if (options.cacheTtlMs <= 0) return store.getKey(id);
    const nowMs = clock().getTime();
    const hit = cache.get(id);
    if (hit !== undefined && hit.expiresAtMs > nowMs) return hit.record;
    cache.delete(id);
    // Every entry lives equally long, so insertion order is expiry order: dropping the oldest
    // entry drops the one closest to expiry and keeps the map bounded under a flood of ids.
    while (cache.size >= maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    const record = store.getKey(id);
    cache.set(id, { record, expiresAtMs: nowMs + options.cacheTtlMs });
    // A failed read is not an answer: forget it so the next request asks the store again.
    record.catch(() => {
      if (cache.get(id)?.record === record) cache.delete(id);
    });
    return record;
  }

  return {
    async create(input) {
      const parsed = CreateKeyInput.safeParse(input);
      if (!parsed.success) {
        throw new UserError('RAMPART_E_INPUT_INVALID', 'Invalid key request.', {
          details: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
        });
      }
      const spec = parsed.data;
      const now = clock();
      let expiresAt: string | null = null;
      if (spec.expiresAt !== undefined) {
        const expiresMs = Date.parse(spec.expiresAt);
        if (!(expiresMs > now.getTime())) {
          throw new UserError('RAMPART_E_INPUT_INVALID', 'expiresAt must lie in the future.', { param: 'expiresAt' });
        }
        expiresAt = new Date(expiresMs).toISOString();
      }
      const { id, secret, key } = generateApiKey();
      const salt = newSalt();
      const record: ApiKeyRecord = {
        id,
        name: spec.name,
        tier: spec.tier,
        scopes: SCOPES.filter((scope) => spec.scopes.includes(scope)),
        organization: spec.organization ?? null,
        modelAllowList: spec.models === undefined ? null : [...new Set(spec.models)],
        expiresAt,
        revokedAt: null,
        createdAt: now.toISOString(),
        holdForReview: spec.holdForReview ?? false,
        shadow: spec.shadow ?? false,
        salt: salt.toString('base64url'),
        secretHash: hashKeySecret(secret, salt),
      };
      await store.insertKey(record);
      cache.delete(id);
      return { key, record };
    },

    async list() {
      const records = await store.listKeys();
      return records.map(({ salt: _salt, secretHash: _secretHash, ...rest }) => rest);
    },

    async revoke(id) {
      const revoked = await store.revokeKey(id, clock().toISOString());
      // After the write: a lookup already in flight put its entry in the map when it started, so
      // deleting now also discards a read that may predate the revocation.
      cache.delete(id);
      return revoked;
    },

    async authenticate(authorizationHeader) {
      const token = bearerToken(authorizationHeader);
      if (token === undefined) {
        throw new UserError('RAMPART_E_AUTH_MISSING_KEY', 'Missing API key: send "Authorization: Bearer <key>".');
      }
      const parsed = parseApiKey(token);
      if (parsed === undefined) throw new UserError('RAMPART_E_AUTH_INVALID_KEY', INVALID_KEY_MESSAGE);
      const record = await lookup(parsed.id);
      if (record === undefined || record.id !== parsed.id) {
        verifyKeySecret(parsed.secret, decoy);
        throw new UserError('RAMPART_E_AUTH_INVALID_KEY', INVALID_KEY_MESSAGE);
      }
      if (!verifyKeySecret(parsed.secret, record)) throw new UserError('RAMPART_E_AUTH_INVALID_KEY', INVALID_KEY_MESSAGE);
      // Only after the secret checks out: a revoked or expired status is for the key's holder.
      const usability = keyUsability(record, clock());
      switch (usability) {
        case 'ok':
          return record;
        case 'revoked':
          throw new UserError('RAMPART_E_AUTH_REVOKED_KEY', 'This API key has been revoked.');
        case 'expired':
          throw new UserError('RAMPART_E_AUTH_EXPIRED_KEY', 'This API key has expired.');
      }
    },

    requireScope(record, scope) {
      if (!record.scopes.includes(scope)) {
        throw new UserError('RAMPART_E_AUTH_FORBIDDEN_SCOPE', `This API key lacks the '${scope}' scope.`);
      }
    },

    requireModel(record, model) {
      if (record.modelAllowList !== null && !record.modelAllowList.includes(model)) {
        const shown = JSON.stringify(model.slice(0, 100));
        throw new UserError('RAMPART_E_AUTH_FORBIDDEN_MODEL', `This API key may not use model ${shown}.`, { param: 'model' });
      }
    },

    principalFacts(record) {
      return {
        keyId: record.id,
        name: record.name,
        tier: record.tier,
        scopes: record.scopes,
        organization: record.organization ?? undefined,
      };
    },
  };
}

/** The token of a Bearer credential, or undefined when there is none. */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  // An oversized credential is still a credential: let it fail as an invalid key, not a missing one.
  if (header.length > MAX_HEADER_LENGTH) return /^Bearer /i.test(header) ? header : undefined;
  return BEARER.exec(header)?.[1];
}
