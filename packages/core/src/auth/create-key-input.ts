import { z } from 'zod';
import { SCOPES, TIERS } from '../contracts/detector.js';

/**
 * What an operator supplies to create an API key. Lives in core (which owns zod) so the server,
 * the CLI and the admin API validate with the same schema. Whether `expiresAt` lies in the future
 * depends on the clock, so the key service checks that, not the schema.
 *
 * @example
 * CreateKeyInput.parse({ name: 'ci', tier: 'standard', scopes: ['chat'] })
 */
export const CreateKeyInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    tier: z.enum(TIERS),
    scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length * 4).readonly(),
    organization: z.string().trim().min(1).max(200).optional(),
    /** Models the key may call; absent means every model the gateway serves. */
    models: z.array(z.string().min(1).max(200)).min(1).max(1000).readonly().optional(),
    /**
     * ISO-8601 date-time with a zone (`2030-01-01T00:00:00Z`, `...+02:00`) or a date
     * (`2030-01-01`, meaning midnight UTC). A time without a zone is refused: it would mean
     * different instants on different machines.
     */
    expiresAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional(),
    holdForReview: z.boolean().optional(),
    shadow: z.boolean().optional(),
  })
  .strict();
export type CreateKeyInput = z.infer<typeof CreateKeyInput>;
