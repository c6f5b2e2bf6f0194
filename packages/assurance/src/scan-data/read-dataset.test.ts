import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '@rampart/core';
import { firstInvalidUtf8, parseDataset, readDataset } from './read-dataset.js';

const jsonl = (text: string, options = {}) => parseDataset({ text, name: 'd.jsonl', format: 'jsonl', options });

/** The error's full text as the CLI prints it: the message, then one line per problem. */
function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).toOpenAIError().error.message;
  }
  throw new Error('expected a failure');
}

describe('parseDataset', () => {
  it('reads JSONL rows, their lines and raw text, skipping blank lines and CRLF', () => {
    const data = jsonl('{"text":"a","label":"x","n":1.50}\r\n\n{"prompt":"b","label":2}\n');
    expect(data.labelSource).toBe('field');
    expect(data.rows.map((r) => [r.line, r.text, r.label, r.raw])).toEqual([
      [1, 'a', 'x', '{"text":"a","label":"x","n":1.50}'],
      [3, 'b', '2', '{"prompt":"b","label":2}'],
    ]);
  });

  it('takes the text field named, or the first of text, prompt, input, content, messages', () => {
    expect(jsonl('{"body":"b","text":"t"}\n', { textField: 'body' }).rows[0]?.text).toBe('b');
    expect(jsonl('{"content":"c","input":"i"}\n').rows[0]?.text).toBe('i');
    expect(failure(() => jsonl('{"body":"b"}\n', { textField: 'missing' }))).toMatch(/d\.jsonl:1: no field "missing"/);
  });

  it('reads chat rows: text is every message, the label the final assistant message when no label field exists', () => {
    const row = '{"messages":[{"role":"system","content":"Be nice."},{"role":"user","content":[{"type":"text","text":"Hi"}]},{"role":"assistant","content":"Hello!"}]}';
    const data = jsonl(`${row}\n`);
    expect(data.labelSource).toBe('output');
    expect(data.rows[0]).toMatchObject({ text: 'Be nice.\nHi\nHello!', input: 'Be nice.\nHi', label: 'Hello!' });
    const labelled = jsonl(`${row.replace('{"messages"', '{"label":"greeting","messages"')}\n`);
    expect(labelled.labelSource).toBe('field');
    expect(labelled.rows[0]).toMatchObject({ input: 'Be nice.\nHi\nHello!', label: 'greeting' });
  });

  it('takes a completion as the output of prompt/completion rows', () => {
    const data = jsonl('{"prompt":"2+2?","completion":"4"}\n');
    expect(data.labelSource).toBe('output');
    expect(data.rows[0]).toMatchObject({ text: '2+2?\n4', input: '2+2?', label: '4' });
  });

  it('lists every bad line with its number, in order', () => {
    expect(failure(() => jsonl('{"text":"ok"}\nnot json\n[1]\n{"label":"no text"}\n"str"\n'))).toMatch(
      /d\.jsonl:2: not valid JSON[\s\S]*d\.jsonl:3: expected a JSON object, got an array[\s\S]*d\.jsonl:4: no text field[\s\S]*d\.jsonl:5: expected a JSON object, got string/,
    );
    expect(failure(() => jsonl('{"text":{"nested":1}}\n'))).toMatch(/d\.jsonl:1: field "text" is object, not text/);
    expect(failure(() => jsonl('{"messages":[{"role":"user","content":"a"},7]}\n'))).toMatch(/d\.jsonl:1: messages\[1\] is not an object/);
  });

  it('enforces the row size and row count limits', () => {
    expect(failure(() => jsonl(`{"text":"${'a'.repeat(100)}"}\n`, { maxRowBytes: 50 }))).toMatch(/d\.jsonl:1: row is larger than 50 bytes/);
    expect(failure(() => jsonl('{"text":"a"}\n{"text":"b"}\n{"text":"c"}\n', { maxRows: 2 }))).toMatch(/d\.jsonl:3: more than 2 rows/);
  });

  it('reads CSV with quoted commas, quotes and newlines; a messages column holds JSON', () => {
    const text = 'text,label\n"one, ""two""",a\n"multi\nline",b\nthree,c\n';
    const data = parseDataset({ text, name: 'd.csv', format: 'csv' });
    expect(data.header).toBe('text,label\n');
    expect(data.rows.map((r) => [r.line, r.text, r.label])).toEqual([
      [2, 'one, "two"', 'a'],
      [3, 'multi\nline', 'b'],
      [5, 'three', 'c'],
    ]);
    expect(data.rows[1]?.raw).toBe('"multi\nline",b\n');
    const chat = parseDataset({ text: 'messages\n"[{""role"":""user"",""content"":""hi""},{""role"":""assistant"",""content"":""yo""}]"\n', name: 'c.csv', format: 'csv' });
    expect(chat.rows[0]).toMatchObject({ input: 'hi', label: 'yo' });
    expect(failure(() => parseDataset({ text: 'text,label\na,b,c\n', name: 'd.csv', format: 'csv' }))).toMatch(/d\.csv:2: Invalid Record Length/);
  });
});

describe('readDataset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-read-dataset-'));

  it('reports invalid UTF-8 by line and byte offset, and refuses files over the size limit', () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, Buffer.concat([Buffer.from('{"text":"ok"}\n{"text":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
    expect(failure(() => readDataset(file))).toMatch(/bad\.jsonl:2: invalid UTF-8 at byte offset 23/);
    const big = join(dir, 'big.jsonl');
    writeFileSync(big, '{"text":"a"}\n'.repeat(100));
    expect(failure(() => readDataset(big, { maxFileBytes: 1000 }))).toMatch(/1300 bytes is over the 1000-byte limit/);
  });

  it('strips a byte-order mark and picks the format by extension, else by the first character', () => {
    const file = join(dir, 'data.txt');
    writeFileSync(file, '\ufeff{"text":"a"}\n');
    expect(readDataset(file).format).toBe('jsonl');
    const csv = join(dir, 'data.dat');
    writeFileSync(csv, 'text\nhello\n');
    expect(readDataset(csv)).toMatchObject({ format: 'csv', labelSource: 'none' });
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    [[0x61, 0x62], -1],
    [[0xe2, 0x82, 0xac], -1],
    [[0x61, 0xc0, 0xaf], 1],
    [[0xed, 0xa0, 0x80], 0],
    [[0xf4, 0x90, 0x80, 0x80], 0],
    [[0x61, 0xe2, 0x82], 1],
  ])('%j → %i', (bytes, offset) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(offset);
  });
});
