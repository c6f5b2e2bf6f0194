import type { Serialize } from '@cyclonedx/cyclonedx-library';

/**
 * The JSON shape of a CycloneDX 1.6 ML-BOM as Rampart writes it: what
 * `@cyclonedx/cyclonedx-library` serializes, plus the two parts that library does not model
 * (`modelCard` on the model component, `data` on dataset components). Field names and nesting
 * follow bom-1.6.schema.json, definitions `modelCard`, `performanceMetric`, `risk`,
 * `fairnessAssessment` and `componentData`.
 */
export interface CycloneDxProperty {
  readonly name: string;
  readonly value: string;
}

export interface CycloneDxPerformanceMetric {
  readonly type: string;
  readonly value: string;
  readonly slice?: string;
  readonly confidenceInterval?: { readonly lowerBound?: string; readonly upperBound?: string };
}

export interface CycloneDxModelCard {
  readonly 'bom-ref'?: string;
  readonly modelParameters?: {
    readonly approach?: { readonly type: string };
    readonly task?: string;
    readonly architectureFamily?: string;
    readonly modelArchitecture?: string;
    /** References to `data` components by bom-ref. */
    readonly datasets?: ReadonlyArray<{ readonly ref: string }>;
    readonly inputs?: ReadonlyArray<{ readonly format: string }>;
    readonly outputs?: ReadonlyArray<{ readonly format: string }>;
  };
  readonly quantitativeAnalysis?: { readonly performanceMetrics?: readonly CycloneDxPerformanceMetric[] };
  readonly considerations?: {
    readonly users?: readonly string[];
    readonly useCases?: readonly string[];
    readonly technicalLimitations?: readonly string[];
    readonly performanceTradeoffs?: readonly string[];
    readonly ethicalConsiderations?: ReadonlyArray<{ readonly name?: string; readonly mitigationStrategy?: string }>;
    readonly fairnessAssessments?: ReadonlyArray<{ readonly groupAtRisk?: string; readonly benefits?: string; readonly harms?: string; readonly mitigationStrategy?: string }>;
  };
  readonly properties?: readonly CycloneDxProperty[];
}

/** `componentData`: what a `data` component holds. */
export interface CycloneDxComponentData {
  readonly type: 'dataset';
  readonly name: string;
  readonly contents?: { readonly url: string };
  readonly classification?: string;
  readonly sensitiveData?: readonly string[];
}

export type MlBomComponent = Serialize.JSON.Types.Normalized.Component & {
  modelCard?: CycloneDxModelCard;
  data?: CycloneDxComponentData[];
};

export type MlBom = Omit<Serialize.JSON.Types.Normalized.Bom, 'metadata' | 'components'> & {
  metadata: Omit<Serialize.JSON.Types.Normalized.Metadata, 'component'> & { component: MlBomComponent };
  components?: MlBomComponent[];
};
