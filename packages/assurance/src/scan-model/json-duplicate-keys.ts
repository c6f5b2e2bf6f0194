/**
 * Keys repeated within one JSON object, as `path.key`. JSON.parse silently keeps the last
 * value; other parsers keep the first or refuse, and that disagreement is an attack (a header
 * that one loader reads one way and a scanner another). Expects text JSON.parse accepted.
 *
 * @example
 * findDuplicateKeys('{"a":1,"a":2}') // ['a']
 */
export function findDuplicateKeys(json: string, maxReports = 20): string[] {
  const duplicates: string[] = [];
  const frames: { keys: Set<string> | null; path: string; pendingKey: string | null }[] = [];
  let expectKey = false;
  for (let i = 0; i < json.length && duplicates.length < maxReports; i++) {
    const c = json[i];
    if (c === '"') {
      const end = stringEnd(json, i);
      const frame = frames[frames.length - 1];
      if (expectKey && frame?.keys) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (frame.keys.has(key)) duplicates.push(frame.path === '' ? key : `${frame.path}.${key}`);
        frame.keys.add(key);
        frame.pendingKey = key;
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      const parent = frames[frames.length - 1];
      const segment = parent === undefined ? '' : parent.keys ? (parent.pendingKey ?? '') : '[]';
      const path = parent === undefined ? '' : parent.path === '' ? segment : `${parent.path}.${segment}`;
      frames.push({ keys: c === '{' ? new Set() : null, path, pendingKey: null });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      frames.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = frames[frames.length - 1]?.keys != null;
    }
  }
  return duplicates;
}

function stringEnd(json: string, start: number): number {
  let i = start + 1;
  while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
  return i;
}
