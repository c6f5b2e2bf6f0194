import { z } from 'zod';

/**
 * The whole configuration of `rampart serve`, one zod source. Every object is strict: an unknown
 * key is an error that names it, because a misspelt safeguard setting must never be ignored.
 * Defaults are the safe choice; everything weaker has to be written down.
 */

const LayerSettings = z
  .object({
    /** Turn a layer off. Only `false` needs writing; every layer runs by default. */
    enabled: z.boolean().default(true),
    budgetMs: z.number().positive().max(10_000).optional(),
    /** `closed` (default): an error or overrun is a high-risk finding. `open` must be explicit. */
    failMode: z.enum(['closed', 'open']).default('closed'),
  })
  .strict();

export const ServerSettings = z
  .object({
    port: z.number().int().min(0).max(65_535).default(8080),
    /** Loopback by default; set `0.0.0.0` (or `RAMPART_HOST`) to listen on every interface. */
    host: z.string().min(1).default('127.0.0.1'),
    bodyLimitBytes: z.number().int().positive().max(64 * 1024 * 1024).default(1024 * 1024),
    /** Top-level request fields outside the OpenAI chat schema: `reject` (default) or `allow`. */
    unknownFields: z.enum(['reject', 'allow']).default('reject'),
    /** HTTP status of a blocked or held chat request; 200 keeps unmodified OpenAI clients working. */
    blockStatus: z.number().int().min(200).max(599).default(200),
  })
  .strict();
export type ServerSettings = z.infer<typeof ServerSettings>;

export const UpstreamSettings = z
  .object({
    /** Base URL of the OpenAI-compatible API (…/v1 is appended when missing). Unset: demo upstream. */
    url: z.string().url().optional(),
    apiKey: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().default(60_000),
    connectTimeoutMs: z.number().int().positive().default(5_000),
    maxConnections: z.number().int().positive().default(128),
    /** Model ids the gateway serves. Empty: discovered from the upstream's `GET /v1/models`. */
    models: z.array(z.string().min(1)).default([]),
    /** Model used for the `reroute` action (a restricted or safety-tuned deployment). */
    restrictedModel: z.string().min(1).default('demo-restricted'),
  })
  .strict();
export type UpstreamSettings = z.infer<typeof UpstreamSettings>;

export const LimitSettings = z
  .object({
    maxMessages: z.number().int().positive().default(256),
    /** Characters across every message, tool results and tool-call arguments included. */
    maxPromptChars: z.number().int().positive().default(200_000),
  })
  .strict();
export type LimitSettings = z.infer<typeof LimitSettings>;

export const PipelineSettings = z
  .object({
    limits: LayerSettings.default({ enabled: true, failMode: 'closed' }),
    normalize: LayerSettings.default({ enabled: true, failMode: 'closed' }),
    rules: LayerSettings.extend({
      /** Extra rule pack files, loaded after the built-in packs. */
      packs: z.array(z.string().min(1)).default([]),
      /** Leave the built-in packs out (only the listed packs run). */
      builtinPacks: z.boolean().default(true),
    })
      .strict()
      .default({ enabled: true, failMode: 'closed', packs: [], builtinPacks: true }),
    classifier: LayerSettings.extend({
      /** Model file; unset: the model shipped with Rampart (`npm run train` rebuilds it). */
      model: z.string().min(1).optional(),
    })
      .strict()
      .default({ enabled: true, failMode: 'closed' }),
  })
  .strict();
export type PipelineSettings = z.infer<typeof PipelineSettings>;

export const PolicySettings = z
  .object({
    /** Policy file; unset: the built-in secure-by-default policy. */
    file: z.string().min(1).optional(),
    /** Decide and log, but serve every request as `allow` (for measuring before enforcing). */
    shadow: z.boolean().default(false),
  })
  .strict();
export type PolicySettings = z.infer<typeof PolicySettings>;

export const AuditSettings = z
  .object({
    /**
     * `sync` (default): a decision is committed before the response is sent, so a crash loses
     * no acknowledged decision. `async`: responses do not wait; a crash can lose up to
     * `flushIntervalMs` of decisions.
     */
    durability: z.enum(['sync', 'async']).default('sync'),
    flushIntervalMs: z.number().int().min(1).max(10_000).default(20),
    maxBatch: z.number().int().min(1).max(10_000).default(512),
    checkpointEvery: z.number().int().min(1).default(1000),
    /** Keep full prompt text in the log. Off: only its SHA-256 and a redacted excerpt. */
    retainPromptText: z.boolean().default(false),
    excerptChars: z.number().int().min(0).max(2000).default(120),
    /** Ed25519 private key (PEM) for checkpoints; created at first start. Default: <dataDir>/audit-signing.key */
    signingKeyFile: z.string().min(1).optional(),
  })
  .strict();
export type AuditSettings = z.infer<typeof AuditSettings>;

export const StoreSettings = z
  .object({
    driver: z.enum(['sqlite', 'postgres']).default('sqlite'),
    /** PostgreSQL connection string (driver `postgres`). */
    url: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => s.driver !== 'postgres' || s.url !== undefined, {
    message: 'store.url is required when store.driver is postgres',
    path: ['url'],
  })
  // A URL next to the default driver would silently keep SQLite: say so instead.
  .refine((s) => s.driver === 'postgres' || s.url === undefined, {
    message: 'store.url is only used with store.driver: postgres (set the driver, or remove the url)',
    path: ['url'],
  });
export type StoreSettings = z.infer<typeof StoreSettings>;

export const AuthSettings = z
  .object({
    /** How long a key record is cached; a revocation from another process takes effect within it. */
    keyCacheTtlMs: z.number().int().min(0).max(300_000).default(5_000),
  })
  .strict();

export const MetricsSettings = z
  .object({
    enabled: z.boolean().default(true),
    /** Serve `/metrics` without a key (for a scraper on a private network). Off by default. */
    public: z.boolean().default(false),
  })
  .strict();

export const LogSettings = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

/** A local model folder (self-hosted weights) pinned to a signed manifest from `rampart sign`. */
export const PinnedModel = z
  .object({
    name: z.string().min(1),
    path: z.string().min(1),
    signature: z.string().min(1),
    publicKey: z.string().min(1),
  })
  .strict();
export type PinnedModel = z.infer<typeof PinnedModel>;

export const IntegritySettings = z
  .object({
    /** Verified before the gateway reports ready, then every `reverifyIntervalSeconds`. */
    models: z.array(PinnedModel).default([]),
    reverifyIntervalSeconds: z.number().int().min(10).max(604_800).default(3600),
  })
  .strict();
export type IntegritySettings = z.infer<typeof IntegritySettings>;

export const RampartConfig = z
  .object({
    dataDir: z.string().min(1).default('./data'),
    server: ServerSettings.default(ServerSettings.parse({})),
    upstream: UpstreamSettings.default(UpstreamSettings.parse({})),
    limits: LimitSettings.default(LimitSettings.parse({})),
    pipeline: PipelineSettings.default(PipelineSettings.parse({})),
    policy: PolicySettings.default(PolicySettings.parse({})),
    audit: AuditSettings.default(AuditSettings.parse({})),
    store: StoreSettings.default({ driver: 'sqlite' }),
    auth: AuthSettings.default(AuthSettings.parse({})),
    metrics: MetricsSettings.default(MetricsSettings.parse({})),
    log: LogSettings.default(LogSettings.parse({})),
    integrity: IntegritySettings.default(IntegritySettings.parse({})),
  })
  .strict();
export type RampartConfig = z.infer<typeof RampartConfig>;
