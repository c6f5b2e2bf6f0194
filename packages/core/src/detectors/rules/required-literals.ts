import regjsparser, { type AstNode, type CharacterClass } from 'regjsparser';

// regjsparser is CommonJS: its functions come through the default export under ESM.
const { parse } = regjsparser;

/**
 * Required literals of a regex, for the pattern prefilter: sets of lowercase strings such that
 * every match of the regex contains at least one member of EACH set. An empty list means no
 * useful filter exists (the pattern then always runs). The rules layer looks the literals up in
 * one Aho-Corasick pass and skips the patterns with a set none of whose members occurs, so a
 * pattern that starts with a long alternation of verbs no longer costs a full scan of every
 * prompt whose rule trigger occurred. The idea of RE2's and Hyperscan's prefilters, applied to
 * regjsparser's AST.
 *
 * It must never be wrong the unsafe way: a set that misses a literal some match needs would
 * silently drop detections. So every construct it does not understand yields no set, and the
 * tests compare prefiltered and unfiltered matching on every example and dataset prompt.
 *
 * @example
 * requiredLiterals('\\b(?:write|build)\\s+(?:a\\s+)?keylogger', 'i');
 * // [Set { 'write', 'build' }, Set { 'keylogger' }]
 */
export function requiredLiterals(source: string, flags: string): ReadonlySet<string>[] {
  let root: AstNode<ParseFeatures>;
  try {
    root = parse(source, flags, PARSE_FEATURES);
  } catch {
    return [];
  }
  const info = analyse(root);
  const usable = new Map<string, ReadonlySet<string>>();
  for (const set of [...info.required, ...(info.exact === undefined ? [] : [info.exact])]) {
    if (score(set) > 0) usable.set([...set].sort().join('\u0000'), set);
  }
  // The most selective few; every one is necessary, so any subset is a sound filter.
  return [...usable.values()].sort((a, b) => score(b) - score(a)).slice(0, MAX_FILTERS_PER_PATTERN);
}

type ParseFeatures = { lookbehind: true; namedGroups: true; unicodePropertyEscape: true };
const PARSE_FEATURES: ParseFeatures = { lookbehind: true, namedGroups: true, unicodePropertyEscape: true };

const MAX_FILTERS_PER_PATTERN = 4;
/** Literals shorter than this occur in most text and would not filter anything. */
const MIN_LITERAL_CHARS = 3;
/** Caps the cross product of exact strings (`(?:a|b)(?:c|d)...`). */
const MAX_EXACT_STRINGS = 64;
/** Character classes with at most this many members are expanded into exact strings. */
const MAX_CLASS_MEMBERS = 4;

interface Info {
  /** Every string the node can match (lowercased), when that set is small and known. */
  readonly exact: ReadonlySet<string> | undefined;
  /** Sets of which every match contains at least one member (each an alternative filter). */
  readonly required: readonly ReadonlySet<string>[];
}

const UNKNOWN: Info = { exact: undefined, required: [] };
const EMPTY: Info = { exact: new Set(['']), required: [] };

function analyse(node: AstNode<ParseFeatures>): Info {
  switch (node.type) {
    case 'value':
      return { exact: new Set([String.fromCodePoint(node.codePoint).toLowerCase()]), required: [] };
    case 'characterClass':
      return { exact: classMembers(node), required: [] };
    case 'anchor':
      return EMPTY;
    case 'group':
      // Lookarounds consume nothing; what they test need not appear in the match itself.
      if (node.behavior !== 'normal' && node.behavior !== 'ignore') return EMPTY;
      return sequence(node.body);
    case 'alternative':
      return sequence(node.body);
    case 'disjunction':
      return disjunction(node.body.map(analyse));
    case 'quantifier':
      return quantifier(analyse(node.body[0]), node.min, node.max);
    default:
      // dot, \w \s \d, unicode properties, back-references, class ranges
      return UNKNOWN;
  }
}

function classMembers(node: CharacterClass<ParseFeatures>): ReadonlySet<string> | undefined {
  if (node.negative) return undefined;
  const members = new Set<string>();
  for (const item of node.body) {
    if (item.type === 'value') members.add(String.fromCodePoint(item.codePoint).toLowerCase());
    else if (item.type === 'characterClassRange' && item.max.codePoint - item.min.codePoint < MAX_CLASS_MEMBERS) {
      for (let code = item.min.codePoint; code <= item.max.codePoint; code += 1) members.add(String.fromCodePoint(code).toLowerCase());
    } else return undefined;
    if (members.size > MAX_CLASS_MEMBERS) return undefined;
  }
  return members.size === 0 ? undefined : members;
}

function sequence(children: readonly AstNode<ParseFeatures>[]): Info {
  const required: ReadonlySet<string>[] = [];
  // The exact strings of the run of children seen since the last unknown one.
  let run: Set<string> | undefined = new Set(['']);
  let whole = true;
  for (const child of children) {
    const info = analyse(child);
    required.push(...info.required);
    const extended: Set<string> | undefined = info.exact === undefined || run === undefined ? undefined : crossProduct(run, info.exact);
    if (extended !== undefined) {
      run = extended;
      continue;
    }
    // The run ends here: what it matched exactly is one filter; a new run starts.
    whole = false;
    if (run !== undefined) required.push(run);
    run = info.exact === undefined ? new Set(['']) : new Set(info.exact);
  }
  if (run !== undefined && !whole) required.push(run);
  return { exact: whole ? run : undefined, required };
}

function crossProduct(left: ReadonlySet<string>, right: ReadonlySet<string>): Set<string> | undefined {
  if (left.size * right.size > MAX_EXACT_STRINGS) return undefined;
  const out = new Set<string>();
  for (const a of left) for (const b of right) out.add(a + b);
  return out;
}

function disjunction(branches: readonly Info[]): Info {
  let exact: Set<string> | undefined = new Set();
  for (const branch of branches) {
    if (branch.exact === undefined || exact === undefined) exact = undefined;
    else for (const s of branch.exact) exact.add(s);
  }
  if (exact !== undefined && exact.size > MAX_EXACT_STRINGS) exact = undefined;
  // A filter for the whole alternation: the union of one filter per branch, or none if any
  // branch has none (that branch could match without any of the others' literals).
  const union = new Set<string>();
  for (const branch of branches) {
    const best = strongest([...branch.required, ...(branch.exact === undefined ? [] : [branch.exact])]);
    if (best === undefined) return { exact, required: [] };
    for (const s of best) union.add(s);
  }
  return { exact, required: [union] };
}

function quantifier(body: Info, min: number, max: number | undefined): Info {
  if (min === 0) {
    // Optional: matches the empty string or the body once; anything repeated is unknown.
    if (max === 1 && body.exact !== undefined) return { exact: new Set(['', ...body.exact]), required: [] };
    return max === 1 ? { exact: undefined, required: [] } : UNKNOWN;
  }
  // At least once: the body's filters hold; its exact strings only when it matches exactly once.
  const filters = [...body.required, ...(body.exact === undefined ? [] : [body.exact])];
  return { exact: min === 1 && max === 1 ? body.exact : undefined, required: filters };
}

/** The most selective usable filter (see score), if any. */
function strongest(candidates: readonly ReadonlySet<string>[]): ReadonlySet<string> | undefined {
  let best: ReadonlySet<string> | undefined;
  for (const candidate of candidates) if (score(candidate) > (best === undefined ? 0 : score(best))) best = candidate;
  return best;
}

/**
 * Selectivity of a filter: 0 (unusable) when it is empty or has a member shorter than
 * MIN_LITERAL_CHARS; otherwise longer shortest members first, then fewer members.
 */
function score(set: ReadonlySet<string>): number {
  if (set.size === 0) return 0;
  let shortest = Infinity;
  for (const s of set) shortest = Math.min(shortest, s.length);
  return shortest < MIN_LITERAL_CHARS ? 0 : shortest * 1000 - Math.min(set.size, 999);
}
