/** The decision contract: the six graduated actions and what the policy returns. Imports nothing. */

/** Ordered from least to most restrictive; `stricter()` relies on this order. */
export const ACTIONS = ['allow', 'warn', 'guide', 'reroute', 'review', 'block'] as const;
export type Action = (typeof ACTIONS)[number];

export interface LayerTiming {
  readonly layerId: string;
  /** Wall time in microseconds. */
  readonly micros: number;
  readonly status: 'ok' | 'error' | 'timeout';
}

export interface Decision {
  /** The action the policy chose. */
  readonly action: Action;
  /** The action actually enforced (`allow` when the decision is in shadow mode). */
  readonly enforced: Action;
  readonly shadow: boolean;
  /** The policy rule that matched (`default` when none did). */
  readonly policyRule: string;
  /** Reason codes cited to the client and in the audit log, most severe first. */
  readonly reasons: readonly string[];
  /** Exceptions (reviewed allow-list entries) that suppressed findings for this request. */
  readonly exceptions: readonly string[];
  /** Defensive guidance to add for `guide`, warning text for `warn`. */
  readonly message: string | undefined;
  /** Target model for `reroute`. */
  readonly rerouteModel: string | undefined;
}
