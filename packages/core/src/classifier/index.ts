export { hashFeatures, wordTokens, MAX_TOKENS, type SparseVector } from './hash-features.js';
export { encodeModelFile, decodeModelFile, quantize, type ModelFileContents } from './model-file.js';
export { OOD_REASONS, oodReasons, oodStats, type OodReason, type OodStats, type OodThresholds } from './ood.js';
export { decodeClassifier, loadClassifier, type ClassifierHeader, type TextClassifier, type TextScore } from './text-classifier.js';
export { createWordVectors, decodeWords, encodeWords, quantizeRows, type WordVectors } from './word-vectors.js';
export { conversationText, parseExamples, type LabeledExample } from './training/examples.js';
export { auroc, percentile, reliability, tprAtFpr, type ReliabilityBin } from './training/metrics.js';
export { MODEL_CATEGORIES, SPLIT_PLAN, loadExampleTree, trainFromTree, type TrainingReport } from './training/run-training.js';
export { BUILTIN_MODEL_PATH, CLASSIFIER_LAYER_ID, createClassifierLayer, type ClassifierLayerOptions } from './classifier-layer.js';
