import { z } from 'zod';

const Count = z.number().int().nonnegative();
const Rate = z.number().min(0).max(1);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * The fields of a Rampart classifier training report (`rampart train` writes `<model>.report.json`
 * next to `<model>.bin`; see core's `TrainingReport`) that an ML-BOM uses. Not strict: the report
 * carries more (split ids, reliability bins) and may grow; only these fields are read.
 */
export const ClassifierReport = z.object({
  /** SHA-256 of the model file the report describes. */
  modelSha256: Sha256,
  /** SHA-256 over every deduplicated training row: a fingerprint of the data, not of a file. */
  dataSha256: Sha256.optional(),
  seed: z.number().optional(),
  counts: z.record(z.string(), z.object({ malicious: Count, benign: Count })).optional(),
  /** Rows per source in the training and calibration splits. */
  trainBySource: z.record(z.string(), Count).optional(),
  heldout: z.object({
    n: Count,
    malicious: Count,
    auroc: Rate,
    tprAtFpr1: Rate,
    tprAtFpr5: Rate,
    flaggedMalicious: Rate,
    flaggedBenign: Rate,
    ece: Rate,
  }),
  /** Keyed `source:label`. */
  heldoutBySource: z.record(z.string(), z.object({ n: Count, flagged: Count, label: z.enum(['malicious', 'benign']) })).optional(),
  reliability: z.object({ bins: z.array(z.unknown()) }).optional(),
  categoryAccuracy: Rate.optional(),
  thresholds: z.record(z.string(), z.number()).optional(),
});
export type ClassifierReport = z.infer<typeof ClassifierReport>;
