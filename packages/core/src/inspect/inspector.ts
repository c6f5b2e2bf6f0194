import type { Layer, PrincipalFacts } from '../contracts/detector.js';
import type { Decision } from '../contracts/decision.js';
import type { CompiledPolicy } from '../policy/index.js';
import { evaluatePolicy } from '../policy/index.js';
import { runPipeline, type PipelineOutcome, type PipelineRequest } from '../pipeline/run-pipeline.js';

export interface InspectionFlags {
  /** The principal is on manual approval (onboarding of untrusted tenants). */
  readonly holdForReview: boolean;
  /** The key is in shadow mode. */
  readonly shadow: boolean;
}

export interface Inspection {
  readonly outcome: PipelineOutcome;
  readonly decision: Decision;
}

export interface Inspector {
  inspect(request: PipelineRequest, flags: InspectionFlags): Promise<Inspection>;
}

/**
 * Input side of the lifecycle in one call: run the layers, then let the policy pick one action.
 * The gateway, `rampart check`, `rampart policy test` and `rampart eval` all go through here, so
 * what the CLI reports is exactly what the gateway would do.
 */
export function createInspector(options: {
  layers: readonly Layer[];
  policy: CompiledPolicy;
  globalShadow: boolean;
  restrictedModel: string;
  now?: () => Date;
}): Inspector {
  const now = options.now ?? (() => new Date());
  return {
    async inspect(request, flags) {
      const outcome = await runPipeline(options.layers, request);
      const decision = evaluatePolicy(options.policy, {
        findings: outcome.findings,
        principal: request.principal,
        purpose: request.purpose,
        holdForReview: flags.holdForReview,
        shadow: flags.shadow,
        globalShadow: options.globalShadow,
        now: now(),
        defaultRestrictedModel: options.restrictedModel,
      });
      return { outcome, decision };
    },
  };
}

/** Principal facts for offline runs (`rampart check`, policy tests, eval). */
export function offlinePrincipal(overrides: Partial<PrincipalFacts> = {}): PrincipalFacts {
  return { keyId: 'offline', name: 'offline', tier: 'standard', scopes: ['chat'], organization: undefined, ...overrides };
}
