import { extname } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import { bufferSource, openFileSource, type ByteSource, type FileSource } from './byte-source.js';
import { compressionOf, detectFormat, type DetectedKind } from './detect-format.js';
import type { FileReport, Finding } from './finding.js';
import type { FormatScan, ScanContext } from './format-scan.js';
import { mergeFindings } from './merge-findings.js';
import { ModelParseError, parseErrorFinding } from './model-parse-error.js';
import { scanGgufSource } from './scan-gguf.js';
import { scanKerasH5Source } from './scan-keras-h5.js';
import { scanNpySource } from './scan-npy.js';
import { scanOnnxSource } from './scan-onnx.js';
import { scanPickleSource } from './scan-pickle-file.js';
import { scanSafetensorsSource } from './scan-safetensors.js';
import { scanZipFile } from './scan-zip-archive.js';

export interface ScanFileOptions {
  readonly ctx: ScanContext;
  /** The path to print (relative to what the user named). */
  readonly displayPath: string;
  /** True when the user named this file: an unrecognised format is reported rather than skipped. */
  readonly explicit: boolean;
}

/**
 * Scans one file: detects its format by magic bytes and extension and runs that reader. Returns
 * null for a file in a folder that is no model format. Never throws: an unreadable file is a
 * report with `parsed: false` and a parse-error finding.
 *
 * @example
 * await scanFile('/models/x.pt', { ctx, displayPath: 'x.pt', explicit: true })
 */
export async function scanFile(path: string, options: ScanFileOptions): Promise<FileReport | null> {
  let source: FileSource | null = null;
  try {
    source = openFileSource(path);
    const head = source.read(0, Math.min(64, source.size));
    const kind = detectFormat({ head, size: source.size, ext: extname(path).toLowerCase() });
    if (kind === null && !options.explicit) return null;
    const size = source.size;
    let result: FormatScan;
    if (kind === 'zip') {
      source.close();
      source = null;
      result = await scanZipFile(path, options.ctx);
    } else {
      result = scanSource(kind, { source, head, ctx: options.ctx });
    }
    return { path: options.displayPath, format: result.format, parsed: result.parsed, bytes: size, findings: mergeFindings(result.findings) };
  } catch (thrown) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return { path: options.displayPath, format: 'unknown', parsed: false, bytes: 0, findings: [parseErrorFinding(new ModelParseError(`file could not be read: ${message}`, 0), 'file')] };
  } finally {
    source?.close();
  }
}

function scanSource(kind: DetectedKind | null, input: { source: ByteSource; head: Buffer; ctx: ScanContext }): FormatScan {
  const { source, head, ctx } = input;
  switch (kind) {
    case 'git-lfs-pointer':
      return { format: 'git-lfs-pointer', parsed: false, findings: [lfsFinding(source)] };
    case 'pickle':
      return scanPickleSource(source, ctx);
    case 'compressed-pickle':
      return scanCompressed(source, { head, ctx });
    case 'numpy':
      return scanNpySource(source, ctx);
    case 'gguf':
      return scanGgufSource(source, ctx);
    case 'hdf5':
      return scanKerasH5Source(source, ctx);
    case 'safetensors':
      return scanSafetensorsSource(source, ctx);
    case 'onnx':
      return scanOnnxSource(source, ctx);
    case 'zip':
    case null:
      return { format: 'unknown', parsed: false, findings: [{ severity: 'info', rule: 'unknown-format', message: 'not a model format the scanner recognises (pickle, PyTorch, NumPy, joblib, safetensors, ONNX, Keras, GGUF)' }] };
  }
}

function lfsFinding(source: ByteSource): Finding {
  const text = source.read(0, Math.min(source.size, 1024)).toString('utf8');
  const oid = /oid sha256:([0-9a-f]{64})/.exec(text)?.[1];
  const size = /\bsize (\d+)/.exec(text)?.[1];
  const detail = oid === undefined ? '' : ` (object sha256:${oid.slice(0, 12)}..., ${size ?? '?'} bytes)`;
  return { severity: 'info', rule: 'git-lfs-pointer', message: `this is a Git LFS pointer${detail}, not the model: run git lfs pull and scan again (a "header too large" error on safetensors is usually this)`, offset: 0 };
}

/** joblib.dump(compress=...) output: gzip and zlib are inflated (up to the entry limit) and scanned. */
function scanCompressed(source: ByteSource, input: { head: Buffer; ctx: ScanContext }): FormatScan {
  const method = compressionOf(input.head);
  if (method !== 'gzip' && method !== 'zlib') {
    return { format: 'joblib', parsed: false, findings: [parseErrorFinding(new ModelParseError(`${method ?? 'unknown'}-compressed pickle: decompress it first (only gzip and zlib are read)`, 0), 'compressed pickle')] };
  }
  const limit = Math.min(source.size, input.ctx.limits.maxEntryBytes);
  let data: Buffer;
  try {
    const options = { maxOutputLength: input.ctx.limits.maxEntryBytes };
    data = method === 'gzip' ? gunzipSync(source.read(0, limit), options) : inflateSync(source.read(0, limit), options);
  } catch (thrown) {
    return { format: 'joblib', parsed: false, findings: [parseErrorFinding(new ModelParseError(`${method} stream could not be inflated: ${(thrown as Error).message}`, 0), 'compressed pickle')] };
  }
  const result = scanPickleSource(bufferSource(data), input.ctx);
  return { format: 'joblib', parsed: result.parsed, findings: result.findings.map((f) => ({ ...f, message: `(in the ${method} stream) ${f.message}` })) };
}

