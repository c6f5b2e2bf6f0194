import { z } from 'zod';

/**
 * The facts a model card file (`rampart bom --model-card FILE`, YAML or JSON) may give. Field
 * names are short on purpose; docs/reference/bom.md maps each to its CycloneDX 1.6 `modelCard`
 * field. Every object is strict: a misspelt field is an error naming its path, never silently
 * dropped from the BOM.
 */

const Text = z.string().trim().min(1, 'must be a non-empty string');
const TextList = z.array(Text);
/** CycloneDX stores metric values as strings; YAML authors write numbers. */
const MetricValue = z.union([z.number().finite(), Text]).transform(String);

/** CycloneDX 1.6 `modelCard.modelParameters.approach.type`. */
export const LearningApproach = z.enum(['supervised', 'unsupervised', 'reinforcement-learning', 'semi-supervised', 'self-supervised']);
export type LearningApproach = z.infer<typeof LearningApproach>;

/** What a dataset was used for; recorded as the data component's `rampart:role` property. */
export const DatasetRole = z.enum(['training', 'validation', 'evaluation', 'fine-tuning', 'other']);
export type DatasetRole = z.infer<typeof DatasetRole>;

/** A dataset: becomes a `data` component, referenced from the model card by its bom-ref. */
export const DatasetSpec = z.strictObject({
  name: Text,
  description: Text.optional(),
  role: DatasetRole.optional(),
  /** Where the data lives (`componentData.contents.url`). */
  url: z.url().optional(),
  /** An SPDX license id (`CC-BY-4.0`) or any license name. */
  license: Text.optional(),
  /** SHA-256 of the dataset file, when it is one file. */
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
    .transform((hex) => hex.toLowerCase())
    .optional(),
  /** Data classification (`public`, `internal`, ...). */
  classification: Text.optional(),
  /** Kinds of sensitive data it holds (`PII`, ...). */
  sensitiveData: TextList.optional(),
});
export type DatasetSpec = z.infer<typeof DatasetSpec>;

/** One performance figure (`quantitativeAnalysis.performanceMetrics[]`). */
export const MetricSpec = z.strictObject({
  type: Text,
  value: MetricValue,
  /** The data subset the figure was measured on. */
  slice: Text.optional(),
  lowerBound: MetricValue.optional(),
  upperBound: MetricValue.optional(),
});
export type MetricSpec = z.infer<typeof MetricSpec>;

export const EthicalConsiderationSpec = z.strictObject({ name: Text, mitigationStrategy: Text.optional() });
export type EthicalConsiderationSpec = z.infer<typeof EthicalConsiderationSpec>;

export const FairnessAssessmentSpec = z
  .strictObject({ groupAtRisk: Text.optional(), benefits: Text.optional(), harms: Text.optional(), mitigationStrategy: Text.optional() })
  .refine((a) => Object.keys(a).length > 0, 'needs at least one of groupAtRisk, benefits, harms, mitigationStrategy');
export type FairnessAssessmentSpec = z.infer<typeof FairnessAssessmentSpec>;

export const ModelCardSpec = z
  .strictObject({
    /** The model component's description. */
    description: Text.optional(),
    /** The model's license: an SPDX id or a name. */
    license: Text.optional(),
    approach: LearningApproach.optional(),
    task: Text.optional(),
    architectureFamily: Text.optional(),
    modelArchitecture: Text.optional(),
    /** Input formats (`text/plain`, `image/png`, `a prompt`...). */
    inputs: TextList.optional(),
    outputs: TextList.optional(),
    datasets: z.array(DatasetSpec).optional(),
    metrics: z.array(MetricSpec).optional(),
    /** `considerations.technicalLimitations`. */
    limitations: TextList.optional(),
    /** `considerations.performanceTradeoffs`. */
    tradeoffs: TextList.optional(),
    users: TextList.optional(),
    useCases: TextList.optional(),
    ethicalConsiderations: z.array(EthicalConsiderationSpec).optional(),
    fairnessAssessments: z.array(FairnessAssessmentSpec).optional(),
  })
  .superRefine((card, ctx) => {
    // Dataset names become bom-refs, which must be unique within the BOM.
    const seen = new Set<string>();
    card.datasets?.forEach((dataset, index) => {
      if (seen.has(dataset.name)) ctx.addIssue({ code: 'custom', path: ['datasets', index, 'name'], message: `duplicate dataset name "${dataset.name}"` });
      seen.add(dataset.name);
    });
  });
export type ModelCardSpec = z.infer<typeof ModelCardSpec>;
