import { defineLayer } from '../../pipeline/define-layer.js';
import type { Codec, Evidence, FailMode, Finding, Layer, Severity, TextView } from '../../contracts/detector.js';
import { UserError } from '../../errors/rampart-error.js';
import { findEncodedPayloads } from './decode-payloads.js';
import { foldLeet } from './fold-leet.js';
import { normalizeText } from './normalize-text.js';

export const NORMALIZE_LAYER_ID = 'normalize';
const DEFAULT_BUDGET_MS = 50;
const DEFAULT_MAX_DECODE_DEPTH = 2;
/**
 * Decoded characters per request. Decoding only ever shrinks text (ROT13 keeps its length), so
 * this bounds the extra work a crafted prompt of nested encodings can cause.
 */
const DEFAULT_MAX_DECODED_CHARS = 100_000;
/** Invisible characters in one message from which they stop looking accidental (pasted web text). */
const MANY_INVISIBLE = 8;
const EXCERPT_CHARS = 80;

export interface NormalizeLayerOptions {
  readonly budgetMs?: number;
  readonly failMode?: FailMode;
  /** Nested decodings to follow (base64 of hex is 2). 0 turns decoding off. Default 2. */
  readonly maxDecodeDepth?: number;
  /** Total decoded characters per request; beyond it decoding stops and a finding says so. */
  readonly maxDecodedChars?: number;
}

/**
 * The normalization layer (stage `normalize`). For every raw view it adds a `normalized` view
 * (NFKC, invisible and bidi characters removed, homoglyphs folded), a `leet` view when leetspeak
 * folding changes the text, and `decoded:<codec>` views for base64, hex, percent-encoded and
 * ROT13 text, decoded recursively. Hidden characters and encoded payloads are reported as weak
 * `obfuscation` findings; the decision is the policy's.
 *
 * @example
 * const outcome = await runPipeline([createNormalizeLayer(), createRulesLayer({ packs })], request);
 */
export function createNormalizeLayer(options: NormalizeLayerOptions = {}): Layer {
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const maxDepth = options.maxDecodeDepth ?? DEFAULT_MAX_DECODE_DEPTH;
  const maxDecodedChars = options.maxDecodedChars ?? DEFAULT_MAX_DECODED_CHARS;
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > 8) throw invalidOption('maxDecodeDepth must be an integer from 0 to 8', maxDepth);
  if (!Number.isInteger(maxDecodedChars) || maxDecodedChars < 0) throw invalidOption('maxDecodedChars must be a non-negative integer', maxDecodedChars);

  return defineLayer({
    id: NORMALIZE_LAYER_ID,
    stage: 'normalize',
    budgetMs,
    failMode: options.failMode,
    run(input) {
      const views: TextView[] = [];
      const findings = createFindingSet();
      const budget = { left: maxDecodedChars, exhausted: false };
      for (const raw of input.views) {
        if (raw.kind !== 'raw') continue;
        const base = { messageIndex: raw.messageIndex, role: raw.role, part: raw.part } as const;
        const normalized = normalizeText(raw.text);
        views.push({ ...base, kind: 'normalized', text: normalized.text });
        reportHidden(findings, raw, normalized);

        const leet = foldLeet(normalized.text);
        if (leet !== normalized.text) views.push({ ...base, kind: 'leet', text: leet });

        if (maxDepth === 0) continue;
        const decode = (text: string, depth: number, outer: Codec | undefined): void => {
          for (const payload of findEncodedPayloads(text, { skipRot13: outer === 'rot13' })) {
            if (payload.text.length > budget.left) {
              budget.exhausted = true;
              return;
            }
            budget.left -= payload.text.length;
            const codec = outer ?? payload.codec;
            const decoded = normalizeText(payload.text).text;
            // Nested views keep the outermost codec: it is the one a reviewer sees in the prompt.
            views.push({ ...base, kind: `decoded:${codec}`, text: decoded });
            if (outer === undefined && payload.suspicious) {
              findings.add({
                reasonCode: 'obfuscation.encoded_payload',
                severity: 'low',
                messageIndex: raw.messageIndex,
                description: `${payload.codec}-encoded text that decodes to readable text`,
                evidence: {
                  messageIndex: raw.messageIndex,
                  view: 'normalized',
                  start: payload.start,
                  end: payload.end,
                  excerpt: text.slice(payload.start, Math.min(payload.end, payload.start + EXCERPT_CHARS)),
                },
              });
            }
            if (depth < maxDepth) decode(decoded, depth + 1, codec);
          }
        };
        decode(normalized.text, 1, undefined);
      }
      if (budget.exhausted) {
        findings.add({ reasonCode: 'obfuscation.decode_limit', severity: 'medium', messageIndex: -1, description: `decoding stopped after ${maxDecodedChars} decoded characters` });
      }
      return { status: 'ok', findings: findings.list(), views };
    },
  });
}

function reportHidden(findings: FindingSet, raw: TextView, normalized: ReturnType<typeof normalizeText>): void {
  // Lookalike letters are not hidden characters: a homoglyph-only spoof ("ignоrе" with Cyrillic
  // о and е) has no hidden offset, so it is reported before the early return below.
  if (normalized.mixedScript) {
    findings.add({ reasonCode: 'obfuscation.homoglyphs', severity: 'low', messageIndex: raw.messageIndex, description: 'words mixing Latin letters with Cyrillic or Greek lookalikes' });
  }
  if (normalized.firstHiddenAt === -1) return;
  const evidence: Evidence = {
    messageIndex: raw.messageIndex,
    view: 'raw',
    start: normalized.firstHiddenAt,
    end: normalized.firstHiddenAt + 1,
    excerpt: normalized.firstHiddenCode,
  };
  if (normalized.bidiControls > 0) {
    findings.add({ reasonCode: 'obfuscation.bidi_controls', severity: 'medium', messageIndex: raw.messageIndex, description: `${normalized.bidiControls} bidi control character(s) that reorder displayed text`, evidence });
  }
  if (normalized.tagChars > 0) {
    findings.add({ reasonCode: 'obfuscation.tag_characters', severity: 'medium', messageIndex: raw.messageIndex, description: `${normalized.tagChars} Unicode tag character(s) hiding ASCII text`, evidence });
  }
  if (normalized.invisible > 0) {
    const severity: Severity = normalized.invisible >= MANY_INVISIBLE ? 'medium' : 'low';
    findings.add({ reasonCode: 'obfuscation.invisible_chars', severity, messageIndex: raw.messageIndex, description: `${normalized.invisible} invisible character(s)`, evidence });
  }
}

interface ObfuscationSignal {
  readonly reasonCode: string;
  readonly severity: Severity;
  readonly messageIndex: number;
  readonly description: string;
  readonly evidence?: Evidence | undefined;
}

interface FindingSet {
  add(signal: ObfuscationSignal): void;
  list(): Finding[];
}

/** One finding per (reason, message): a message split into parts still reads as one signal. */
function createFindingSet(): FindingSet {
  const byKey = new Map<string, { finding: Finding; evidence: Evidence[] }>();
  return {
    add({ reasonCode, severity, messageIndex, description, evidence }) {
      const key = `${reasonCode}\u0000${messageIndex}`;
      const existing = byKey.get(key);
      if (existing !== undefined) {
        if (evidence !== undefined && existing.evidence.length < 3) existing.evidence.push(evidence);
        return;
      }
      const list = evidence === undefined ? [] : [evidence];
      byKey.set(key, {
        finding: { category: 'obfuscation', severity, confidence: 0.6, layerId: NORMALIZE_LAYER_ID, reasonCode, evidence: list, description },
        evidence: list,
      });
    },
    list() {
      return [...byKey.values()].map(({ finding }) => finding);
    },
  };
}

function invalidOption(message: string, value: unknown): UserError {
  return new UserError('RAMPART_E_CONFIG_INVALID', `normalize layer: ${message}, got ${String(value)}`);
}

export { normalizeText, type NormalizedText } from './normalize-text.js';
export { foldLeet } from './fold-leet.js';
export { foldHomoglyphs } from './fold-homoglyphs.js';
export { findEncodedPayloads, rot13, type DecodedPayload } from './decode-payloads.js';
