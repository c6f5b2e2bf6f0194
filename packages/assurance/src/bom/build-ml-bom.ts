import { randomUUID } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { Enums, Models, Serialize, Spec, SPDX } from '@cyclonedx/cyclonedx-library';
import { UserError } from '@rampart/core';
import { hashTree, rootDigest } from '../signing/index.js';
import { findClassifierReport } from './find-classifier-report.js';
import type { CycloneDxComponentData, MlBom, MlBomComponent } from './ml-bom.js';
import { modelCardFromReport } from './model-card-from-report.js';
import type { DatasetSpec, ModelCardSpec } from './model-card-spec.js';
import { toCycloneDxModelCard } from './to-cyclonedx-model-card.js';

export interface BuildMlBomOptions {
  /** The model: a folder (every file under it is listed) or a single file. */
  readonly path: string;
  readonly name: string;
  readonly version: string;
  /** Facts for the model card (see `loadModelCardSpec`). Each section it gives wins over one derived from a classifier report. */
  readonly modelCard?: ModelCardSpec;
  /** Default: now. Tests fix it (with `serialNumber`) for byte-identical output. */
  readonly timestamp?: Date;
  /** `urn:uuid:…`; default: a random version-4 UUID. */
  readonly serialNumber?: string;
  /** Files left out of the listing wherever they are: the BOM itself, when written into the model folder. */
  readonly excludeFiles?: readonly string[];
  /** Hash worker threads (default: cores, at most 8). */
  readonly workers?: number;
}

export interface MlBomResult {
  readonly bom: MlBom;
  /** Things the user should know that did not stop the BOM (a report for another model...). */
  readonly warnings: readonly string[];
  readonly files: number;
  readonly bytes: number;
  readonly datasets: number;
  readonly metrics: number;
  /** The classifier report the model card was derived from, when one was used. */
  readonly classifierReport?: string;
}

const SERIAL_NUMBER = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** bom-1.6 `version` definition. */
const MAX_VERSION_LENGTH = 1024;
const SHA256 = Enums.HashAlgorithm['SHA-256'];

/**
 * Builds a CycloneDX 1.6 ML-BOM for a model folder or file: a `machine-learning-model` component
 * (the BOM's subject, in `metadata.component`) with its SHA-256, each file under it as a nested
 * `file` component with its SHA-256 (sorted by path; symbolic links leaving the tree, FIFOs and
 * devices are refused), each dataset as a `data` component, and a model card referencing them.
 * Without a model card, a Rampart classifier report next to its `.bin` supplies metrics and
 * datasets; failing both, the card says they are unknown.
 *
 * The library builds and serializes everything it models; `modelCard` and `data` are added to
 * the serialized JSON because it has no model for them. Tests validate the result against the
 * bom-1.6 JSON schema.
 *
 * @example
 * const { bom } = await buildMlBom({ path: 'models/clf', name: 'clf', version: '1.2.0' });
 * writeFileSync('clf.cdx.json', JSON.stringify(bom, null, 2));
 */
export async function buildMlBom(options: BuildMlBomOptions): Promise<MlBomResult> {
  const name = options.name.trim();
  const version = options.version.trim();
  if (name === '') throw new UserError('RAMPART_E_INPUT_INVALID', 'the model name (--name) is empty.');
  if (version === '' || version.length > MAX_VERSION_LENGTH) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `the model version (--version) must be 1 to ${MAX_VERSION_LENGTH} characters.`);
  }
  const serialNumber = options.serialNumber ?? `urn:uuid:${randomUUID()}`;
  if (!SERIAL_NUMBER.test(serialNumber)) throw new UserError('RAMPART_E_INPUT_INVALID', `serial number ${serialNumber} is not urn:uuid:<lower-case UUID>.`);

  const { rootIsFile, root } = await locate(options.path);
  // Links inside the tree are followed (hashed under the link's name); links leaving it are refused.
  const manifest = await hashTree(options.path, {
    method: 'files',
    allowSymlinks: true,
    onUnsafe: 'throw',
    excludeFiles: options.excludeFiles ?? [],
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  });
  if (manifest.resources.length === 0) throw new UserError('RAMPART_E_INPUT_INVALID', `${options.path}: no regular files to describe (after ignoring ${manifest.serialization.ignore_paths.join(', ')}).`);
  const files = manifest.resources.map((r) => ({ path: r.name, digest: r.digest }));

  const found = await findClassifierReport({ root, rootIsFile, files });
  const derived = found.match === undefined ? undefined : modelCardFromReport(found.match.report, { reportFile: found.match.reportFile });
  const card = mergeCards(options.modelCard, derived);
  const datasets = card.datasets ?? [];

  const bom = new Models.Bom({ serialNumber });
  bom.metadata.timestamp = options.timestamp ?? new Date();
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'rampart', { version: await toolVersion(), bomRef: 'tool:rampart' }));

  const modelRef = `model:${name}@${version}`;
  const model = new Models.Component(Enums.ComponentType.MachineLearningModel, name, { version, bomRef: modelRef, description: card.description });
  const [onlyFile] = files;
  if (rootIsFile && onlyFile !== undefined) {
    model.hashes.set(SHA256, onlyFile.digest);
  } else {
    // A folder has no hash of its own; this one is `rampart sign`'s subject digest for the same tree.
    model.hashes.set(SHA256, rootDigest(manifest.resources));
    model.properties.add(new Models.Property('rampart:digest', 'SHA-256 over the per-file SHA-256 digests in path order (OpenSSF model_signing root digest, files method)'));
    for (const file of files) {
      const component = new Models.Component(Enums.ComponentType.File, file.path, { bomRef: `file:${file.path}` });
      component.hashes.set(SHA256, file.digest);
      model.components.add(component);
    }
  }
  if (card.license !== undefined) model.licenses.add(license(card.license));
  model.properties.add(new Models.Property('rampart:files', String(files.length)));
  model.properties.add(new Models.Property('rampart:bytes', String(manifest.bytes)));
  if (found.match !== undefined) model.properties.add(new Models.Property('rampart:classifier-report', found.match.reportFile));
  bom.metadata.component = model;

  for (const dataset of datasets) bom.components.add(dataComponent(dataset));

  // Insertion order (paths already sorted, datasets as listed) keeps the output reproducible
  // without the library's locale-dependent sort.
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  const json = JSON.parse(serializer.serialize(bom, { sortLists: false })) as MlBom;
  const subject: MlBomComponent = json.metadata.component;
  subject.modelCard = toCycloneDxModelCard(card, { datasetRefs: datasets.map((d) => datasetRef(d.name)), bomRef: `${modelRef}#model-card` });
  for (const component of json.components ?? []) {
    const dataset = datasets.find((d) => datasetRef(d.name) === component['bom-ref']);
    if (dataset !== undefined) component.data = [componentData(dataset)];
  }

  return {
    bom: json,
    warnings: found.warnings,
    files: files.length,
    bytes: manifest.bytes,
    datasets: datasets.length,
    metrics: card.metrics?.length ?? 0,
    ...(found.match === undefined ? {} : { classifierReport: found.match.reportFile }),
  };
}

async function locate(path: string): Promise<{ root: string; rootIsFile: boolean }> {
  try {
    const [root, stats] = await Promise.all([realpath(path), stat(path)]);
    return { root, rootIsFile: stats.isFile() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError('RAMPART_E_INPUT_INVALID', `${path}: ${code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}.`, { cause: error });
  }
}

/** Each section the user's card gives wins whole; the report fills only the sections it leaves out. */
function mergeCards(given: ModelCardSpec | undefined, derived: ModelCardSpec | undefined): ModelCardSpec {
  const merged: Record<string, unknown> = { ...derived };
  for (const [key, value] of Object.entries(given ?? {})) if (value !== undefined) merged[key] = value;
  return merged as ModelCardSpec;
}

function datasetRef(name: string): string {
  return `dataset:${name}`;
}

function dataComponent(dataset: DatasetSpec): Models.Component {
  const component = new Models.Component(Enums.ComponentType.Data, dataset.name, { bomRef: datasetRef(dataset.name), description: dataset.description });
  if (dataset.sha256 !== undefined) component.hashes.set(SHA256, dataset.sha256);
  if (dataset.license !== undefined) component.licenses.add(license(dataset.license));
  if (dataset.role !== undefined) component.properties.add(new Models.Property('rampart:role', dataset.role));
  return component;
}

function componentData(dataset: DatasetSpec): CycloneDxComponentData {
  return {
    type: 'dataset',
    name: dataset.name,
    ...(dataset.url === undefined ? {} : { contents: { url: dataset.url } }),
    ...(dataset.classification === undefined ? {} : { classification: dataset.classification }),
    ...(dataset.sensitiveData === undefined ? {} : { sensitiveData: dataset.sensitiveData }),
  };
}

/** An SPDX id (any case: `mit` → `MIT`) becomes `license.id`, anything else `license.name`. */
function license(text: string): Models.SpdxLicense | Models.NamedLicense {
  const id = SPDX.fixupSpdxId(text);
  return id === undefined ? new Models.NamedLicense(text) : new Models.SpdxLicense(id);
}

let cachedToolVersion: string | undefined;
/** Rampart's version, from this package's manifest (`../../package.json` from both src/ and dist/). */
async function toolVersion(): Promise<string | undefined> {
  if (cachedToolVersion === undefined) {
    try {
      const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
      cachedToolVersion = typeof manifest.version === 'string' ? manifest.version : '';
    } catch {
      cachedToolVersion = '';
    }
  }
  return cachedToolVersion === '' ? undefined : cachedToolVersion;
}
