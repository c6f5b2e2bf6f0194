/**
 * The layer contract: one small interface every safeguard layer implements.
 * This module imports nothing so that any package (and the console) can depend on it.
 */

/** The request lifecycle, in order. Layers belong to one of the input stages. */
export const LIFECYCLE = [
  'authenticate',
  'limit',
  'normalize',
  'classify',
  'assess',
  'decide',
  'upstream',
  'scanOutput',
  'audit',
] as const;
export type LifecycleStep = (typeof LIFECYCLE)[number];

/** Stages a pipeline layer can run in (the input side of the lifecycle). */
export const LAYER_STAGES = ['limit', 'normalize', 'classify', 'assess'] as const;
export type LayerStage = (typeof LAYER_STAGES)[number];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How a layer that errors or overruns its budget is treated by the policy. */
export const FAIL_MODES = ['closed', 'open'] as const;
export type FailMode = (typeof FAIL_MODES)[number];

/**
 * Which text a finding was made on. `raw` is the message as sent, `normalized` after NFKC,
 * invisible-character removal and homoglyph folding, `leet` after leetspeak folding, and
 * `decoded:<codec>` is text recovered from an encoded run inside the message.
 */
export type ViewKind = 'raw' | 'normalized' | 'leet' | `decoded:${Codec}`;
export const CODECS = ['base64', 'hex', 'rot13', 'url'] as const;
export type Codec = (typeof CODECS)[number];

/** One piece of text the later layers scan. Every message yields at least one view. */
export interface TextView {
  /** Index of the message in the request's `messages` array. */
  readonly messageIndex: number;
  /** Role of that message (`system`, `user`, `assistant`, `tool`, ...). */
  readonly role: string;
  /** Which part of the message: its content, or the arguments of a tool call. */
  readonly part: 'content' | 'tool_call_arguments';
  readonly kind: ViewKind;
  readonly text: string;
}

/** A span of evidence inside one view. `start`/`end` are UTF-16 offsets into the view's text. */
export interface Evidence {
  readonly messageIndex: number;
  readonly view: ViewKind;
  readonly start: number;
  readonly end: number;
  /** The matched text, truncated to a short excerpt. */
  readonly excerpt: string;
}

/** MITRE ATT&CK mapping of a cyber finding. */
export interface AttackMapping {
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
}

export interface Finding {
  /** Taxonomy category, for example `cyber.ransomware`, `jailbreak`, `prompt_injection`. */
  readonly category: string;
  readonly severity: Severity;
  /** 0..1: how sure the layer is that the category applies. */
  readonly confidence: number;
  /** The layer that produced it. */
  readonly layerId: string;
  /** Rule id or model id: the reason code the policy and the refusal cite. */
  readonly reasonCode: string;
  readonly evidence: readonly Evidence[];
  /** Set when the finding was made on decoded text (`base64`, `hex`, `rot13`, `url`). */
  readonly decodedFrom?: Codec;
  readonly attack?: AttackMapping;
  readonly description?: string;
}

/** A layer's verdict. A crash is its own state; the runner never lets a throw escape. */
export type LayerResult =
  | {
      readonly status: 'ok';
      readonly findings: readonly Finding[];
      /** Optional 0..1 risk score (classifiers). */
      readonly score?: number;
      /** Views to add for later layers (the normalization layer produces them). */
      readonly views?: readonly TextView[];
    }
  | { readonly status: 'error'; readonly error: { readonly code: string; readonly message: string } };

/** What a layer sees. Built once per request by the pipeline runner. */
export interface LayerInput {
  readonly messages: readonly ChatMessageText[];
  /** Views produced so far (raw views, then normalized and decoded ones). */
  readonly views: readonly TextView[];
  readonly principal: PrincipalFacts;
  readonly model: string;
  readonly purpose: string | undefined;
}

/**
 * Role of the pseudo-message the server appends for the request's tool definitions (names and
 * descriptions reach the model as text, so they are scanned like messages). It is not one of
 * the client's messages: the message-count limit leaves it out.
 */
export const TOOL_DEFINITIONS_ROLE = 'tool_definitions';

/** The text parts of one chat message, as extracted by the server. */
export interface ChatMessageText {
  readonly role: string;
  readonly content: string;
  /** Arguments of each tool call in an assistant message, as sent. */
  readonly toolCallArguments: readonly string[];
}

/** Facts about the caller that layers and the policy may use. */
export interface PrincipalFacts {
  readonly keyId: string;
  readonly name: string;
  readonly tier: Tier;
  readonly scopes: readonly Scope[];
  readonly organization: string | undefined;
}

export const TIERS = ['anonymous', 'standard', 'verified-security', 'internal'] as const;
export type Tier = (typeof TIERS)[number];
export const SCOPES = ['chat', 'review', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * A safeguard layer: a value, not a class. `run` may be sync or async; the runner times it,
 * enforces `budgetMs` and turns a throw or a late answer into an error result.
 */
export interface Layer {
  readonly id: string;
  readonly stage: LayerStage;
  readonly budgetMs: number;
  readonly failMode: FailMode;
  run(input: LayerInput): LayerResult | Promise<LayerResult>;
}
