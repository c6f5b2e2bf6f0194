/**
 * A file name made safe to print on a terminal: control, invisible and bidirectional-formatting
 * characters become `\u{…}` escapes, and the name is then quoted (as it is when it is empty or has
 * a leading or trailing space, a quote or a backslash). A file named `a\nmodified: b`, or one
 * carrying ANSI escapes or a right-to-left override, could otherwise forge lines of a report.
 *
 * @example
 * displayPath('ok.bin') // 'ok.bin'
 * displayPath('evil\u202egnp.exe') // '"evil\\u{202e}gnp.exe"'
 */
export function displayPath(path: string): string {
  let escaped = '';
  let quote = path === '' || /^\s|\s$|["\\]/.test(path);
  for (const char of path) {
    const code = char.codePointAt(0) ?? 0;
    if (isHidden(code)) {
      escaped += `\\u{${code.toString(16)}}`;
      quote = true;
    } else {
      escaped += char === '"' || char === '\\' ? `\\${char}` : char;
    }
  }
  return quote ? `"${escaped}"` : path;
}

// C0/C1 controls and DEL, zero-width characters and directional marks, line and paragraph
// separators, bidi embeddings, overrides and isolates, word joiners, the BOM, lone surrogates.
function isHidden(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}
