import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { ByteSource } from './byte-source.js';
import type { Finding } from './finding.js';
import type { FormatScan, ScanContext } from './format-scan.js';
import { ModelParseError, parseErrorFinding } from './model-parse-error.js';
import { protoFields, type ProtoField } from './protobuf-reader.js';

/**
 * Field numbers from onnx/onnx.proto (IR version 10). Only the paths that can hold a
 * TensorProto are walked: graph initializers, sparse initializers, node attributes (tensors and
 * subgraphs, recursively), training graphs and model-local functions.
 */
const MODEL = { graph: 7, trainingInfo: 20, functions: 25 } as const;
const GRAPH = { node: 1, initializer: 5, sparseInitializer: 15 } as const;
const NODE = { opType: 4, attribute: 5, domain: 7 } as const;
const ATTRIBUTE = { t: 5, g: 6, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23 } as const;
const TENSOR = { name: 8, externalData: 13, dataLocation: 14 } as const;
const SPARSE_TENSOR = { values: 1, indices: 2 } as const;
const TRAINING_INFO = { initialization: 1, algorithm: 2 } as const;
const FUNCTION = { node: 7, domain: 10 } as const;
const ENTRY = { key: 1, value: 2 } as const;
const DATA_LOCATION_EXTERNAL = 1n;

/** Operator domains every ONNX runtime (or ONNX Runtime itself) implements natively. */
const STANDARD_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'ai.onnx.training', 'ai.onnx.preview.training', 'com.microsoft', 'com.microsoft.nchwc', 'com.ms.internal.nhwc', 'org.pytorch.aten']);

const MAX_GRAPH_DEPTH = 64;

/**
 * Scans an ONNX model for tensors whose data lives in external files, and checks each location
 * the way a loader resolves it (relative to the model's folder): absolute paths, `..` that leaves
 * the folder, and symlinks pointing out of it are `onnx-external-data-escape` (CVE-2022-25882,
 * CVE-2024-27318); missing or short files are warnings. Custom operator domains are noted.
 *
 * @example
 * scanOnnxSource(openFileSource('model.onnx'), { ...ctx, filePath: 'model.onnx' })
 */
export function scanOnnxSource(source: ByteSource, ctx: ScanContext): FormatScan {
  const walker = new OnnxWalker(source, ctx);
  try {
    walker.model();
  } catch (thrown) {
    if (!(thrown instanceof ModelParseError)) throw thrown;
    return { format: 'onnx', parsed: false, findings: [...walker.findings, parseErrorFinding(thrown, 'ONNX protobuf')] };
  }
  return { format: 'onnx', parsed: true, findings: walker.findings };
}

class OnnxWalker {
  readonly findings: Finding[] = [];
  private readonly checkedLocations = new Set<string>();
  private readonly customDomains = new Map<string, number>();
  private readonly functionDomains = new Set<string>();

  constructor(
    private readonly source: ByteSource,
    private readonly ctx: ScanContext,
  ) {}

  model(): void {
    let graphs = 0;
    for (const f of this.fields({ start: 0, length: this.source.size })) {
      if (f.field === MODEL.graph && f.wire === 2) {
        graphs += 1;
        this.graph(f, 0);
      } else if (f.field === MODEL.trainingInfo && f.wire === 2) {
        for (const t of this.fields(f)) if ((t.field === TRAINING_INFO.initialization || t.field === TRAINING_INFO.algorithm) && t.wire === 2) this.graph(t, 1);
      } else if (f.field === MODEL.functions && f.wire === 2) {
        this.function(f);
      }
    }
    if (graphs === 0) throw new ModelParseError('no graph (ModelProto field 7): not an ONNX model', 0);
    for (const [domain, offset] of this.customDomains) {
      if (this.functionDomains.has(domain)) continue;
      this.findings.push({ severity: 'low', rule: 'onnx-custom-domain', message: `nodes use the custom operator domain '${domain}': loading needs a native custom-op library for it`, offset });
    }
  }

  private graph(range: ProtoField, depth: number): void {
    if (depth > MAX_GRAPH_DEPTH) throw new ModelParseError(`subgraphs nested deeper than ${MAX_GRAPH_DEPTH}`, range.start);
    for (const f of this.fields(range)) {
      if (f.wire !== 2) continue;
      if (f.field === GRAPH.node) this.node(f, depth);
      else if (f.field === GRAPH.initializer) this.tensor(f);
      else if (f.field === GRAPH.sparseInitializer) this.sparseTensor(f);
    }
  }

  private node(range: ProtoField, depth: number): void {
    for (const f of this.fields(range)) {
      if (f.field === NODE.domain && f.wire === 2) {
        const domain = this.string(f);
        if (!STANDARD_DOMAINS.has(domain) && !this.customDomains.has(domain)) this.customDomains.set(domain, f.start);
      } else if (f.field === NODE.attribute && f.wire === 2) {
        this.attribute(f, depth);
      }
    }
  }

  private attribute(range: ProtoField, depth: number): void {
    for (const f of this.fields(range)) {
      if (f.wire !== 2) continue;
      if (f.field === ATTRIBUTE.t || f.field === ATTRIBUTE.tensors) this.tensor(f);
      else if (f.field === ATTRIBUTE.g || f.field === ATTRIBUTE.graphs) this.graph(f, depth + 1);
      else if (f.field === ATTRIBUTE.sparseTensor || f.field === ATTRIBUTE.sparseTensors) this.sparseTensor(f);
    }
  }

  private function(range: ProtoField): void {
    for (const f of this.fields(range)) {
      if (f.field === FUNCTION.domain && f.wire === 2) this.functionDomains.add(this.string(f));
      else if (f.field === FUNCTION.node && f.wire === 2) this.node(f, 1);
    }
  }

  private sparseTensor(range: ProtoField): void {
    for (const f of this.fields(range)) if ((f.field === SPARSE_TENSOR.values || f.field === SPARSE_TENSOR.indices) && f.wire === 2) this.tensor(f);
  }

  private tensor(range: ProtoField): void {
    let name = '';
    let external = false;
    const entries = new Map<string, string>();
    for (const f of this.fields(range)) {
      if (f.field === TENSOR.name && f.wire === 2) name = this.string(f);
      else if (f.field === TENSOR.dataLocation && f.wire === 0) external = f.varint === DATA_LOCATION_EXTERNAL;
      else if (f.field === TENSOR.externalData && f.wire === 2) {
        let key = '';
        let value = '';
        for (const e of this.fields(f)) {
          if (e.field === ENTRY.key && e.wire === 2) key = this.string(e);
          else if (e.field === ENTRY.value && e.wire === 2) value = this.string(e);
        }
        entries.set(key, value);
      }
    }
    const location = entries.get('location');
    if (location === undefined) {
      if (external) this.findings.push({ severity: 'medium', rule: 'onnx-external-data-missing', message: `tensor '${name}' is marked EXTERNAL but names no location`, offset: range.start });
      return;
    }
    this.checkLocation({ name, location, offset: range.start, end: Number(entries.get('offset') ?? 0) + Number(entries.get('length') ?? 0) });
  }

  private checkLocation(ref: { name: string; location: string; offset: number; end: number }): void {
    const key = `${ref.location}\n${ref.end}`;
    if (this.checkedLocations.has(key)) return;
    this.checkedLocations.add(key);
    const escape = (why: string) =>
      this.findings.push({ severity: 'high', rule: 'onnx-external-data-escape', message: `tensor '${ref.name}' reads external data from '${ref.location}': ${why}`, offset: ref.offset });
    const normalized = posix.normalize(ref.location.replace(/\\/g, '/'));
    if (ref.location.startsWith('/') || ref.location.startsWith('\\') || /^[a-zA-Z]:/.test(ref.location) || isAbsolute(ref.location)) {
      escape('an absolute path');
      return;
    }
    if (normalized === '..' || normalized.startsWith('../')) {
      escape('the path leaves the model folder');
      return;
    }
    const folder = dirname(resolve(this.ctx.filePath));
    const target = resolve(folder, normalized);
    if (!existsSync(target)) {
      this.findings.push({ severity: 'medium', rule: 'onnx-external-data-missing', message: `tensor '${ref.name}' needs external data file '${ref.location}', which does not exist`, offset: ref.offset });
      return;
    }
    const real = realpathSync(target);
    const inside = relative(realpathSync(folder), real);
    if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
      escape(`a symbolic link that resolves to ${real}, outside the model folder`);
      return;
    }
    const stat = statSync(real);
    if (!stat.isFile()) {
      this.findings.push({ severity: 'medium', rule: 'onnx-external-data-missing', message: `tensor '${ref.name}': external data '${ref.location}' is not a file`, offset: ref.offset });
    } else if (Number.isFinite(ref.end) && stat.size < ref.end) {
      this.findings.push({ severity: 'medium', rule: 'onnx-external-data-missing', message: `tensor '${ref.name}': '${ref.location}' is shorter than offset + length (${ref.end} bytes)`, offset: ref.offset });
    }
  }

  private fields(range: { start: number; length: number }): Generator<ProtoField> {
    return protoFields(this.source, { start: range.start, end: range.start + range.length });
  }

  private string(f: ProtoField): string {
    return this.source.read(f.start, Math.min(f.length, 4096)).toString('utf8');
  }
}
