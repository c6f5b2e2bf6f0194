import type { ByteSource } from './byte-source.js';
import type { Finding } from './finding.js';
import type { FormatScan, ScanContext } from './format-scan.js';
import { kerasConfigFindings } from './keras-config-findings.js';
import { ModelParseError, parseErrorFinding } from './model-parse-error.js';

export const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHUNK = 4 << 20;
const MAX_JSON = 64 << 20;
const START = /\{\s*"class_name"\s*:/g;

/**
 * Legacy Keras `.h5` files keep the model as JSON in the root group's `model_config` attribute.
 * This does not parse HDF5: it checks the signature, then finds JSON objects that start with
 * `{"class_name":` in the raw bytes (HDF5 stores an attribute's string contiguously) and walks
 * each one for Lambda layers and unsafe modules. A config split or compressed by the writer would
 * be missed; the report then says no config was found.
 *
 * @example
 * scanKerasH5Source(openFileSource('model.h5'), ctx)
 */
export function scanKerasH5Source(source: ByteSource, ctx: ScanContext): FormatScan {
  if (!hasHdf5Signature(source)) {
    return { format: 'keras-h5', parsed: false, findings: [parseErrorFinding(new ModelParseError('no HDF5 signature at offset 0, 512, 1024, ...', 0), 'HDF5 file')] };
  }
  const findings: Finding[] = [];
  let configs = 0;
  let resumeAt = 0;
  const limit = Math.min(source.size, ctx.limits.maxH5SearchBytes);
  for (let chunkStart = 0; chunkStart < limit; chunkStart += CHUNK - 64) {
    const text = source.read(chunkStart, Math.min(CHUNK, limit - chunkStart)).toString('latin1');
    for (const match of text.matchAll(START)) {
      const at = chunkStart + (match.index ?? 0);
      if (at < resumeAt) continue;
      const json = extractJsonObject(source, at);
      if (json === null) continue;
      let value: unknown;
      try {
        value = JSON.parse(json.text);
      } catch {
        continue;
      }
      configs += 1;
      resumeAt = at + json.length;
      findings.push(...kerasConfigFindings(value, at));
    }
    if (chunkStart + CHUNK >= limit) break;
  }
  if (configs === 0) {
    findings.push({ severity: 'info', rule: 'keras-config-missing', message: 'no Keras model_config JSON found: a weights-only file, or a config stored in a way this scan cannot read' });
  }
  return { format: 'keras-h5', parsed: true, findings };
}

/** HDF5 allows a user block: the signature sits at 0 or a power of two from 512 on. */
export function hasHdf5Signature(source: ByteSource): boolean {
  for (let at = 0; at + 8 <= source.size; at = at === 0 ? 512 : at * 2) {
    if (source.read(at, 8).equals(HDF5_SIGNATURE)) return true;
  }
  return false;
}

/** The balanced JSON object starting at `start` (string-aware brace matching), or null. */
function extractJsonObject(source: ByteSource, start: number): { text: string; length: number } | null {
  let depth = 0;
  let inString = false;
  let escaped = false;
  const end = Math.min(source.size, start + MAX_JSON);
  for (let at = start; at < end; ) {
    const chunk = source.read(at, Math.min(1 << 20, end - at));
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x7b) depth += 1;
      else if (c === 0x7d && --depth === 0) {
        const length = at + i + 1 - start;
        return { text: source.read(start, length).toString('utf8'), length };
      } else if (c === 0) return null;
    }
    at += chunk.length;
  }
  return null;
}
