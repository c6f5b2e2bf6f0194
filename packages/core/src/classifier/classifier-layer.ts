import { fileURLToPath } from 'node:url';
import type { Evidence, Finding, Layer, TextView } from '../contracts/detector.js';
import { excerpt, viewsToScan } from '../detectors/view-text.js';
import { defineLayer } from '../pipeline/define-layer.js';
import { loadClassifier, type TextClassifier, type TextScore } from './text-classifier.js';

export const CLASSIFIER_LAYER_ID = 'classifier';
/** The model shipped in the repo, trained by `npm run train`. */
export const BUILTIN_MODEL_PATH = fileURLToPath(new URL('../../models/classifier.bin', import.meta.url));

/**
 * Roles whose text is scored. System and developer prompts are the operator's own words; tool
 * and function results are where indirect prompt injection arrives.
 */
const SCORED_ROLES = new Set(['user', 'tool', 'function']);
/** Only the latest messages are scored one by one; the conversation window covers the rest. */
const MAX_SCORED_MESSAGES = 16;
/**
 * User turns in the conversation window: a task split across turns, or a slow escalation. Six is
 * the longest conversation in the training data: a longer window is text unlike anything the
 * model saw, and twelve harmless prompts with alarming words ("kill the process", "shoot a
 * photo") scored as one text drifted into the uncertain band (measured: 2 of 27 long benign
 * conversations sent to review with 8 turns, none with 6).
 */
const CONVERSATION_TURNS = 6;

export interface ClassifierLayerOptions {
  readonly modelPath: string;
  readonly budgetMs: number;
  readonly failMode?: 'closed' | 'open' | undefined;
  /** Told once, at creation, when the model cannot be loaded (the layer then fails every request). */
  readonly onLoadError?: (message: string) => void;
}

interface Scored {
  readonly score: TextScore;
  readonly messageIndex: number;
  readonly view: TextView['kind'];
  readonly text: string;
  readonly conversation: boolean;
}

/**
 * The semantic layer: the trained classifier over every user and tool message (normalized text,
 * leetspeak-folded text and decoded payloads) and over the conversation's recent user turns as
 * one text. The highest risk decides:
 * - risk ≥ the model's `high` threshold: a high finding in the predicted category;
 * - risk ≥ `uncertain`: a medium `uncertain` finding (the default policy sends it to review
 *   for anonymous and standard callers);
 * - out-of-distribution text with risk ≥ `oodRisk`: a medium `uncertain` finding too; with a
 *   trivial risk an `info` one, so the audit log still shows it.
 * A model that is missing or corrupt makes every run an error, so the layer fails closed.
 */
export function createClassifierLayer(options: ClassifierLayerOptions): Layer {
  let classifier: TextClassifier | undefined;
  let loadError = '';
  try {
    classifier = loadClassifier(options.modelPath);
  } catch (error) {
    loadError = error instanceof Error ? error.message : String(error);
    options.onLoadError?.(loadError);
  }
  return defineLayer({
    id: CLASSIFIER_LAYER_ID,
    stage: 'classify',
    budgetMs: options.budgetMs,
    failMode: options.failMode,
    run(input) {
      if (classifier === undefined) return { status: 'error', error: { code: 'model_invalid', message: loadError } };
      const scored = scoreViews(classifier, input.views);
      if (scored.length === 0) return { status: 'ok', findings: [] };
      const best = scored.reduce((a, b) => (b.score.risk > a.score.risk ? b : a));
      const findings: Finding[] = [];
      const { thresholds } = classifier.header;
      const risk = round(best.score.risk);
      if (best.score.risk >= thresholds.high) {
        // A model cannot tell a persona role-play from a full safeguard-removal template the
        // way the jailbreak rules do, so its jailbreak findings stay medium (the rules grade them).
        const severity = best.score.category === 'jailbreak' ? 'medium' : 'high';
        findings.push(finding(best, { category: best.score.category, severity, confidence: risk, reasonCode: best.conversation ? 'classifier.conversation' : 'classifier.malicious', description: `Classifier risk ${risk} (${best.score.category}, p=${round(best.score.categoryProbability)}).` }));
      } else if (best.score.risk >= thresholds.uncertain) {
        findings.push(finding(best, { category: 'uncertain', severity: 'medium', confidence: risk, reasonCode: 'classifier.uncertain', description: `Classifier risk ${risk} is in the uncertain band (closest category: ${best.score.category}).` }));
      }
      const ood = scored.filter((s) => s.score.ood.length > 0).reduce<Scored | undefined>((a, b) => (a === undefined || b.score.risk > a.score.risk ? b : a), undefined);
      if (ood !== undefined) {
        const nonTrivial = ood.score.risk >= thresholds.oodRisk;
        findings.push(finding(ood, { category: 'uncertain', severity: nonTrivial ? 'medium' : 'info', confidence: round(ood.score.risk), reasonCode: 'classifier.ood', description: `Input unlike the classifier's training data (${ood.score.ood.join(', ')}); risk ${round(ood.score.risk)}.` }));
      }
      return { status: 'ok', findings, score: best.score.risk };
    },
  });
}

function scoreViews(classifier: TextClassifier, views: readonly TextView[]): Scored[] {
  const candidates = viewsToScan(views).filter((v) => SCORED_ROLES.has(v.role));
  const latest = new Set([...new Set(candidates.map((v) => v.messageIndex))].slice(-MAX_SCORED_MESSAGES));
  const scored: Scored[] = candidates
    .filter((v) => latest.has(v.messageIndex) && v.text.trim() !== '')
    .map((v) => ({ score: classifier.score(v.text), messageIndex: v.messageIndex, view: v.kind, text: v.text, conversation: false }));
  // The conversation window: the plain text of the latest user turns, one per line.
  const userTurns = candidates.filter((v) => v.role === 'user' && v.part === 'content' && (v.kind === 'normalized' || v.kind === 'raw'));
  if (new Set(userTurns.map((v) => v.messageIndex)).size >= 2) {
    const window = userTurns.slice(-CONVERSATION_TURNS);
    const text = window.map((v) => v.text).join('\n');
    const last = window[window.length - 1] as TextView;
    scored.push({ score: classifier.score(text), messageIndex: last.messageIndex, view: last.kind, text, conversation: true });
  }
  return scored;
}

function finding(scored: Scored, fields: Pick<Finding, 'category' | 'severity' | 'confidence' | 'reasonCode' | 'description'>): Finding {
  const evidence: Evidence = {
    messageIndex: scored.messageIndex,
    view: scored.view,
    start: 0,
    end: scored.text.length,
    excerpt: excerpt(scored.text, 0, scored.text.length),
  };
  const decoded = scored.view.startsWith('decoded:') ? { decodedFrom: scored.view.slice('decoded:'.length) as Finding['decodedFrom'] } : {};
  return { ...fields, layerId: CLASSIFIER_LAYER_ID, evidence: [evidence], ...decoded };
}

const round = (value: number): number => Math.round(value * 1000) / 1000;
