import { SystemError, UserError } from '@rampart/core';

/**
 * The models the gateway serves. Either fixed by `upstream.models`, or discovered from the
 * upstream's `GET /v1/models` and refreshed, so a model removed upstream stops being accepted.
 * The restricted model used by `reroute` is always accepted as a target.
 */
export interface ModelCatalog {
  list(): Promise<readonly string[]>;
  /** Throws RAMPART_E_MODEL_NOT_FOUND for a model the gateway does not serve. */
  assertServed(model: string): Promise<void>;
}

export function createModelCatalog(options: {
  fixed: readonly string[];
  discover: () => Promise<string[]>;
  refreshMs?: number;
  now?: () => number;
}): ModelCatalog {
  const now = options.now ?? Date.now;
  const refreshMs = options.refreshMs ?? 60_000;
  let cached: Set<string> | undefined = options.fixed.length > 0 ? new Set(options.fixed) : undefined;
  let fetchedAt = 0;
  let inflight: Promise<Set<string>> | undefined;

  async function current(): Promise<Set<string>> {
    if (options.fixed.length > 0) return cached as Set<string>;
    if (cached !== undefined && now() - fetchedAt < refreshMs) return cached;
    inflight ??= options
      .discover()
      .then((models) => {
        cached = new Set(models);
        fetchedAt = now();
        return cached;
      })
      .catch((cause: unknown) => {
        // A stale list is better than none while the upstream blips; with none we fail closed.
        if (cached !== undefined) return cached;
        throw new SystemError('RAMPART_E_UPSTREAM_UNREACHABLE', 'Cannot list the upstream models', { cause });
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  }

  return {
    async list() {
      return [...(await current())];
    },
    async assertServed(model) {
      const models = await current();
      if (!models.has(model)) {
        throw new UserError('RAMPART_E_MODEL_NOT_FOUND', `The model '${model}' does not exist or is not served by this gateway.`, {
          param: 'model',
        });
      }
    },
  };
}
