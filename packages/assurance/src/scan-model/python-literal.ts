import { ModelParseError } from './model-parse-error.js';

/** A Python literal as JavaScript: tuples and lists are arrays, dicts are plain objects. */
export type PythonLiteral = string | number | boolean | null | PythonLiteral[] | { [key: string]: PythonLiteral };

/**
 * Parses the small Python literal subset NumPy writes in `.npy` headers (dicts, tuples, lists,
 * strings, ints, True/False/None) without evaluating anything. Throws ModelParseError with the
 * character position on anything else.
 *
 * @example
 * parsePythonLiteral("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }")
 */
export function parsePythonLiteral(text: string): PythonLiteral {
  const parser = new LiteralParser(text);
  const value = parser.value(0);
  parser.space();
  if (!parser.done()) throw new ModelParseError(`unexpected text after the literal at character ${parser.at}`, parser.at);
  return value;
}

class LiteralParser {
  at = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at] as string)) this.at += 1;
  }

  value(depth: number): PythonLiteral {
    if (depth > 32) throw this.fail('literal nested too deeply');
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.dict(depth);
    if (c === '(' || c === '[') return this.sequence(c === '(' ? ')' : ']', depth);
    if (c === "'" || c === '"') return this.string();
    const word = /^(True|False|None|-?\d+)/.exec(this.text.slice(this.at, this.at + 32));
    if (word === null) throw this.fail('expected a value');
    this.at += (word[0] as string).length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0]);
  }

  private dict(depth: number): PythonLiteral {
    const out: { [key: string]: PythonLiteral } = {};
    this.at += 1;
    for (;;) {
      this.space();
      if (this.text[this.at] === '}') {
        this.at += 1;
        return out;
      }
      const key = this.value(depth + 1);
      if (typeof key !== 'string') throw this.fail('dict key is not a string');
      this.space();
      if (this.text[this.at] !== ':') throw this.fail("expected ':'");
      this.at += 1;
      out[key] = this.value(depth + 1);
      this.space();
      if (this.text[this.at] === ',') this.at += 1;
      else if (this.text[this.at] !== '}') throw this.fail("expected ',' or '}'");
    }
  }

  private sequence(close: string, depth: number): PythonLiteral {
    const out: PythonLiteral[] = [];
    this.at += 1;
    for (;;) {
      this.space();
      if (this.text[this.at] === close) {
        this.at += 1;
        return out;
      }
      out.push(this.value(depth + 1));
      this.space();
      if (this.text[this.at] === ',') this.at += 1;
      else if (this.text[this.at] !== close) throw this.fail(`expected ',' or '${close}'`);
    }
  }

  private string(): string {
    const quote = this.text[this.at];
    let out = '';
    this.at += 1;
    while (this.at < this.text.length) {
      const c = this.text[this.at] as string;
      if (c === quote) {
        this.at += 1;
        return out;
      }
      if (c === '\\') {
        out += this.text[this.at + 1] ?? '';
        this.at += 2;
      } else {
        out += c;
        this.at += 1;
      }
    }
    throw this.fail('unterminated string');
  }

  private fail(message: string): ModelParseError {
    return new ModelParseError(`${message} at character ${this.at}`, this.at);
  }
}
