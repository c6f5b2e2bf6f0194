import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { UserError } from '@rampart/core';

/**
 * Training rows as written (for the clean and quarantine files) plus what the checks read from
 * them: the text, the input part of it (what a model is given), and the label or output.
 */
export interface DatasetRow {
  /** 1-based line where the row starts in its file. */
  readonly line: number;
  /** The row's fields, untouched (CSV: every column as a string). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The row exactly as written: a JSONL line without its newline, or a CSV record. */
  readonly raw: string;
  /** Everything a model would learn from: text field or chat contents, and the output. */
  readonly text: string;
  /** The input part of `text` (without the output when the output is the label). */
  readonly input: string;
  readonly label: string | undefined;
}

export type DatasetFormat = 'jsonl' | 'csv';
/** Where labels come from: a field, the final assistant message (or completion), or nowhere. */
export type LabelSource = 'field' | 'output' | 'none';

export interface Dataset {
  readonly path: string;
  readonly format: DatasetFormat;
  /** CSV: the header as written, with its line break; JSONL: ''. */
  readonly header: string;
  readonly rows: readonly DatasetRow[];
  readonly labelSource: LabelSource;
  readonly labelField: string;
}

export interface ReadDatasetOptions {
  /** Field holding the text; default: the first of TEXT_FIELDS present in the row. */
  readonly textField?: string | undefined;
  /** Field holding the label (default `label`). */
  readonly labelField?: string | undefined;
  readonly maxFileBytes?: number;
  readonly maxRowBytes?: number;
  readonly maxRows?: number;
}

/** Fields tried for the text, in order, when no text field is named. */
export const TEXT_FIELDS = ['text', 'prompt', 'input', 'content', 'messages'] as const;
/** Fields taken as the output of a prompt/completion row when there is no label field. */
export const OUTPUT_FIELDS = ['completion', 'response', 'output'] as const;
/** Limits: a file is read whole, and V8 strings stop at about 512 MiB. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
export const MAX_ROW_BYTES = 1024 * 1024;
export const MAX_ROWS = 2_000_000;
/** Problems listed before reading stops. */
const MAX_PROBLEMS = 10;

interface RowSource {
  readonly line: number;
  readonly raw: string;
  readonly fields: Record<string, unknown>;
}

/** The error for unreadable input; its details (one line each, `file:line: what`) print as a list. */
function invalid(name: string, problems: readonly string[]): UserError {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const details = problems.length > shown.length ? [...shown, `… and ${problems.length - shown.length} more`] : shown;
  return new UserError('RAMPART_E_INPUT_INVALID', `${name} is not a readable dataset:`, { details });
}

/**
 * Byte offset of the first ill-formed UTF-8 sequence (Unicode Table 3-7: no overlongs, no
 * surrogates, nothing past U+10FFFF), or −1.
 *
 * @example
 * firstInvalidUtf8(Uint8Array.of(0x61, 0xc0, 0xaf)); // 1 (an overlong encoding)
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k += 1) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return -1;
}

/** Decodes UTF-8 strictly, naming the line of the first bad byte; drops a byte-order mark. */
function decodeUtf8(bytes: Buffer, name: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const offset = Math.max(0, firstInvalidUtf8(bytes));
    let line = 1;
    for (let at = bytes.indexOf(0x0a); at !== -1 && at < offset; at = bytes.indexOf(0x0a, at + 1)) line += 1;
    throw invalid(name, [`${name}:${line}: invalid UTF-8 at byte offset ${offset}`]);
  }
}

function jsonlSources(text: string, name: string, limits: { maxRowBytes: number; maxRows: number }): { sources: RowSource[]; problems: string[] } {
  const sources: RowSource[] = [];
  const problems: string[] = [];
  let start = 0;
  for (let line = 1; start < text.length && problems.length < MAX_PROBLEMS; line += 1) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const raw = text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (raw.trim() === '') continue;
    if (Buffer.byteLength(raw) > limits.maxRowBytes) {
      problems.push(`${name}:${line}: row is larger than ${limits.maxRowBytes} bytes`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      problems.push(`${name}:${line}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`${name}:${line}: expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
      continue;
    }
    if (sources.length === limits.maxRows) {
      problems.push(`${name}:${line}: more than ${limits.maxRows} rows`);
      break;
    }
    sources.push({ line, raw, fields: value as Record<string, unknown> });
  }
  return { sources, problems };
}

interface CsvRecord {
  readonly record: Record<string, string>;
  readonly raw: string;
}

function csvSources(text: string, name: string, limits: { maxRowBytes: number; maxRows: number }): { sources: RowSource[]; header: string } {
  let records: CsvRecord[];
  try {
    records = parseCsv(text, { columns: true, raw: true, skip_empty_lines: true, relax_quotes: false, max_record_size: limits.maxRowBytes }) as CsvRecord[];
  } catch (error) {
    const lines = (error as { lines?: unknown }).lines;
    const where = typeof lines === 'number' ? `${name}:${lines}` : name;
    throw invalid(name, [`${where}: ${error instanceof Error ? error.message : String(error)}`]);
  }
  if (records.length > limits.maxRows) throw invalid(name, [`${name}: more than ${limits.maxRows} rows`]);
  const sources: RowSource[] = [];
  let at = 0;
  let line = 1;
  let header = '';
  for (const { record, raw } of records) {
    // Each record's text occurs after the previous one; counting newlines up to it gives its line.
    const found = text.indexOf(raw, at);
    const position = found === -1 ? at : found;
    if (sources.length === 0) header = text.slice(0, position);
    for (let i = at; i < position; i += 1) if (text.charCodeAt(i) === 0x0a) line += 1;
    sources.push({ line, raw, fields: record });
    for (let i = position; i < position + raw.length; i += 1) if (text.charCodeAt(i) === 0x0a) line += 1;
    at = position + raw.length;
  }
  if (records.length === 0) header = text;
  if (header !== '' && !header.endsWith('\n')) header += '\n';
  return { sources, header };
}

/** Text of one message's content: a string, or the text parts of a content array. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content.map((part) => (typeof part === 'string' ? part : typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''));
    return parts.join('\n');
  }
  return undefined;
}

interface ChatText {
  readonly text: string;
  /** The final assistant message, when the conversation ends with one. */
  readonly output: string | undefined;
  /** Contents before that final assistant message. */
  readonly input: string;
}

function chatText(messages: readonly unknown[]): ChatText | string {
  const contents: string[] = [];
  const roles: string[] = [];
  for (const [i, message] of messages.entries()) {
    if (typeof message !== 'object' || message === null) return `messages[${i}] is not an object`;
    const content = contentText((message as { content?: unknown }).content);
    contents.push(content ?? '');
    roles.push(String((message as { role?: unknown }).role ?? ''));
  }
  const last = roles.length - 1;
  const endsWithAssistant = last >= 0 && roles[last] === 'assistant';
  return {
    text: contents.join('\n'),
    output: endsWithAssistant ? contents[last] : undefined,
    input: endsWithAssistant ? contents.slice(0, last).join('\n') : contents.join('\n'),
  };
}

function labelValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A CSV cell holding a chat: `messages` as JSON text. */
function maybeJson(value: unknown): unknown {
  if (typeof value !== 'string' || !value.trimStart().startsWith('[')) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The line number in a `file:line: what` problem, for ordering. */
function lineOf(problem: string): number {
  return Number(/:(\d+): /.exec(problem)?.[1] ?? 0);
}

interface Extracted {
  readonly text: string;
  readonly input: string;
  readonly output: string | undefined;
}

function extract(fields: Record<string, unknown>, textField: string | undefined): Extracted | string {
  const field = textField ?? TEXT_FIELDS.find((name) => fields[name] !== undefined && fields[name] !== null);
  if (field === undefined) return `no text field (looked for ${TEXT_FIELDS.join(', ')}; name one with --text-field)`;
  const value = field === 'messages' ? maybeJson(fields[field]) : fields[field];
  if (value === undefined || value === null) return `no field "${field}"`;
  if (Array.isArray(value)) return chatText(value);
  if (typeof value !== 'string') return `field "${field}" is ${typeof value}, not text`;
  const outputField = OUTPUT_FIELDS.find((name) => typeof fields[name] === 'string');
  const output = outputField === undefined ? undefined : (fields[outputField] as string);
  return { text: output === undefined ? value : `${value}\n${output}`, input: value, output };
}

function formatOf(path: string, text: string): DatasetFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson' || extension === '.json') return 'jsonl';
  return text.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

/**
 * Parses dataset text (JSONL or CSV with a header row). Throws a UserError
 * (`RAMPART_E_INPUT_INVALID`) naming the file and line of each bad row: invalid JSON, a row that
 * is not an object, a row with no text, a row over the size limit.
 *
 * @example
 * parseDataset({ text: '{"text":"2+2?","label":"math"}\n', name: 'a.jsonl', format: 'jsonl' }).rows[0].label; // 'math'
 */
export function parseDataset(input: { readonly text: string; readonly name: string; readonly format: DatasetFormat; readonly options?: ReadDatasetOptions }): Dataset {
  const { text, name, format } = input;
  const options = input.options ?? {};
  const limits = { maxRowBytes: options.maxRowBytes ?? MAX_ROW_BYTES, maxRows: options.maxRows ?? MAX_ROWS };
  const labelField = options.labelField ?? 'label';
  const { sources, header, problems } = format === 'csv' ? { ...csvSources(text, name, limits), problems: [] as string[] } : { ...jsonlSources(text, name, limits), header: '' };
  const hasLabelField = sources.some((source) => labelValue(source.fields[labelField]) !== undefined);
  const extracted = sources.map((source) => {
    const result = extract(source.fields, options.textField);
    if (typeof result === 'string') problems.push(`${name}:${source.line}: ${result}`);
    return result;
  });
  if (problems.length > 0) throw invalid(name, problems.sort((a, b) => lineOf(a) - lineOf(b)));
  const hasOutputs = !hasLabelField && extracted.some((e) => typeof e !== 'string' && e.output !== undefined);
  const labelSource: LabelSource = hasLabelField ? 'field' : hasOutputs ? 'output' : 'none';
  const rows = sources.map((source, i): DatasetRow => {
    const e = extracted[i] as Extracted;
    const label = labelSource === 'field' ? labelValue(source.fields[labelField]) : labelSource === 'output' ? e.output : undefined;
    return { line: source.line, fields: source.fields, raw: source.raw, text: e.text, input: labelSource === 'output' ? e.input : e.text, label };
  });
  return { path: name, format, header, rows, labelSource, labelField };
}

/**
 * Reads a JSONL or CSV dataset (format by extension, else by the first character): strict
 * UTF-8, at most MAX_FILE_BYTES, rows of at most MAX_ROW_BYTES.
 *
 * @example
 * const dataset = readDataset('train.jsonl', { labelField: 'label' });
 */
export function readDataset(path: string, options: ReadDatasetOptions = {}): Dataset {
  const name = basename(path);
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new UserError('RAMPART_E_INPUT_INVALID', `Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const maxFileBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
  if (size > maxFileBytes) throw invalid(name, [`${name}: ${size} bytes is over the ${maxFileBytes}-byte limit; split the file`]);
  const text = decodeUtf8(readFileSync(path), name);
  const dataset = parseDataset({ text, name, format: formatOf(path, text), options });
  return { ...dataset, path };
}
