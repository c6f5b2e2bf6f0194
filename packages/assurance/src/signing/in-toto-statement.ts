import { UserError } from '@rampart/core';
import {
  MIN_SHARD_SIZE,
  parseResourceName,
  relativePathProblem,
  rootDigest,
  type ManifestResource,
  type Serialization,
  type TreeManifest,
} from './tree-manifest.js';

/** The DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** OpenSSF model_signing v1.0 predicate. */
export const MODEL_SIGNING_PREDICATE_TYPE = 'https://model_signing/signature/v1.0';

/** The signed document: an in-toto Statement v1 carrying the model_signing v1.0 predicate. */
export interface InTotoStatement {
  readonly _type: typeof IN_TOTO_STATEMENT_TYPE;
  /** One subject: the model's name and the digest over all resource digests. */
  readonly subject: readonly [{ readonly name: string; readonly digest: { readonly sha256: string } }];
  readonly predicateType: typeof MODEL_SIGNING_PREDICATE_TYPE;
  readonly predicate: {
    readonly serialization: Serialization;
    readonly resources: readonly ManifestResource[];
  };
}

/** What a verified statement says: the signed manifest. */
export interface SignedManifest {
  readonly modelName: string;
  readonly rootDigest: string;
  readonly serialization: Serialization;
  readonly resources: readonly ManifestResource[];
}

/**
 * Builds the in-toto statement for a hashed tree, in the shape model_signing v1.0 writes.
 *
 * @example
 * const payload = Buffer.from(JSON.stringify(buildStatement(await hashTree(dir))));
 */
export function buildStatement(manifest: TreeManifest): InTotoStatement {
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: manifest.modelName, digest: { sha256: rootDigest(manifest.resources) } }],
    predicateType: MODEL_SIGNING_PREDICATE_TYPE,
    predicate: { serialization: manifest.serialization, resources: manifest.resources },
  };
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Parses and checks a statement whose signature was already verified: statement and predicate
 * types, one subject, a known serialization, well-formed and unique resource names, and a subject
 * digest that matches the resources (so the list was not edited after the digest was computed).
 * Unknown extra predicate fields are ignored, as model_signing v1.0 asks of verifiers.
 *
 * @example
 * const signed = parseStatement(payloadBytes); // throws UserError naming the bad field
 */
export function parseStatement(payload: Uint8Array): SignedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch (error) {
    throw invalid(`payload is not UTF-8 JSON (${(error as Error).message})`);
  }
  const statement = object(doc, 'payload');
  if (statement._type !== IN_TOTO_STATEMENT_TYPE) throw invalid(`payload._type must be ${IN_TOTO_STATEMENT_TYPE}, got ${JSON.stringify(statement._type)}`);
  if (statement.predicateType !== MODEL_SIGNING_PREDICATE_TYPE) {
    throw invalid(`payload.predicateType must be ${MODEL_SIGNING_PREDICATE_TYPE}, got ${JSON.stringify(statement.predicateType)}`);
  }
  const subjects = statement.subject;
  if (!Array.isArray(subjects) || subjects.length !== 1) throw invalid('payload.subject must list exactly one subject');
  const subject = object(subjects[0], 'payload.subject[0]');
  const modelName = string(subject.name, 'payload.subject[0].name');
  const expectedRoot = string(object(subject.digest, 'payload.subject[0].digest').sha256, 'payload.subject[0].digest.sha256');
  if (!HEX64.test(expectedRoot)) throw invalid('payload.subject[0].digest.sha256 must be 64 lower-case hex characters');

  const predicate = object(statement.predicate, 'payload.predicate');
  const serialization = parseSerialization(object(predicate.serialization, 'payload.predicate.serialization'));
  if (!Array.isArray(predicate.resources)) throw invalid('payload.predicate.resources must be an array');
  const seen = new Set<string>();
  const resources = predicate.resources.map((value: unknown, i: number): ManifestResource => {
    const at = `payload.predicate.resources[${i}]`;
    const resource = object(value, at);
    const name = string(resource.name, `${at}.name`);
    if (resource.algorithm !== 'sha256') throw invalid(`${at}.algorithm must be sha256, got ${JSON.stringify(resource.algorithm)}`);
    const digest = string(resource.digest, `${at}.digest`);
    if (!HEX64.test(digest)) throw invalid(`${at}.digest must be 64 lower-case hex characters`);
    const parsed = parseResourceName(name, serialization.method);
    if (parsed === undefined) throw invalid(`${at}.name ${JSON.stringify(name)} is not a shard name (path:start:end)`);
    const problem = relativePathProblem(parsed.path);
    if (problem !== undefined) throw invalid(`${at}.name ${JSON.stringify(name)} ${problem}`);
    if (seen.has(name)) throw invalid(`${at}.name ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
    return { name, algorithm: 'sha256', digest };
  });
  const actualRoot = rootDigest(resources);
  if (actualRoot !== expectedRoot) throw invalid(`manifest is inconsistent: the subject digest is ${expectedRoot} but the resources hash to ${actualRoot}`);
  return { modelName, rootDigest: expectedRoot, serialization, resources };
}

function parseSerialization(value: Record<string, unknown>): Serialization {
  const at = 'payload.predicate.serialization';
  if (value.hash_type !== 'sha256') throw invalid(`${at}.hash_type must be sha256, got ${JSON.stringify(value.hash_type)}`);
  if (typeof value.allow_symlinks !== 'boolean') throw invalid(`${at}.allow_symlinks must be true or false`);
  const ignorePaths = value.ignore_paths ?? [];
  if (!Array.isArray(ignorePaths)) throw invalid(`${at}.ignore_paths must be an array of relative paths`);
  const ignore_paths = ignorePaths.map((path: unknown, i: number) => {
    const text = string(path, `${at}.ignore_paths[${i}]`);
    const problem = relativePathProblem(text);
    if (problem !== undefined) throw invalid(`${at}.ignore_paths[${i}] ${JSON.stringify(text)} ${problem}`);
    return text;
  });
  const common = { hash_type: 'sha256', allow_symlinks: value.allow_symlinks, ignore_paths } as const;
  if (value.method === 'files') return { method: 'files', ...common };
  if (value.method === 'shards') {
    const size = value.shard_size;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < MIN_SHARD_SIZE) {
      throw invalid(`${at}.shard_size must be an integer of at least ${MIN_SHARD_SIZE}`);
    }
    return { method: 'shards', shard_size: size, ...common };
  }
  throw invalid(`${at}.method must be "files" or "shards", got ${JSON.stringify(value.method)}`);
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${at} must be an object`);
  return value as Record<string, unknown>;
}

function string(value: unknown, at: string): string {
  if (typeof value !== 'string') throw invalid(`${at} must be a string`);
  return value;
}

function invalid(message: string): UserError {
  return new UserError('RAMPART_E_INPUT_INVALID', `signed statement: ${message}.`);
}
