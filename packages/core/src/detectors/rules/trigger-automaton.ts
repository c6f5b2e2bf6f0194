/**
 * The rule prefilter: an Aho-Corasick automaton over every rule's trigger stems, compiled to a
 * dense transition table. One pass over a view finds every trigger occurrence, overlapping ones
 * included, in time linear in the text and independent of the number of rules; only the rules
 * whose triggers occurred have their (costlier) regexes run. A single alternation regex would be
 * simpler but misses overlapping stems ("keylog" inside "keylogger" after "logger" matched) and
 * backtracks through every alternative at every offset.
 */
export interface TriggerAutomaton {
  /** Indexes of the rules with at least one trigger in `text`, ascending. */
  candidates(text: string): number[];
}

/**
 * @example
 * const automaton = createTriggerAutomaton([['ransom'], ['keylog', 'logger']]);
 * automaton.candidates('a KeyLogger'); // [1]
 */
export function createTriggerAutomaton(triggersByRule: readonly (readonly string[])[]): TriggerAutomaton {
  // Character classes: class 0 is "any character no trigger uses". Case folding is done here,
  // in the table, so scanning never allocates a lowercased copy of the text.
  const classOf = new Uint16Array(0x10000);
  let classCount = 1;
  for (const triggers of triggersByRule) {
    for (const trigger of triggers) {
      for (const ch of trigger.toLowerCase()) {
        const code = ch.charCodeAt(0);
        if (ch.length !== 1 || classOf[code] !== 0) continue;
        classOf[code] = classCount;
        for (const variant of [ch.toUpperCase(), ch.toLocaleUpperCase()]) {
          if (variant.length === 1 && classOf[variant.charCodeAt(0)] === 0) classOf[variant.charCodeAt(0)] = classCount;
        }
        classCount += 1;
      }
    }
  }

  // Characters that fold onto a trigger character under Unicode case folding (the Kelvin sign
  // onto "k", the long s onto "s") share its class, so the automaton never rejects a text that
  // a case-insensitive regex would match.
  for (let code = 0x80; code < 0x10000; code += 1) {
    if (classOf[code] !== 0) continue;
    const ch = String.fromCharCode(code);
    for (const folded of [ch.toLowerCase(), ch.toUpperCase().toLowerCase()]) {
      const cls = folded.length === 1 ? (classOf[folded.charCodeAt(0)] as number) : 0;
      if (cls !== 0) {
        classOf[code] = cls;
        break;
      }
    }
  }

  // Trie over class ids; astral characters in a trigger become their surrogate pair.
  const children: Map<number, number>[] = [new Map()];
  const outputs: Set<number>[] = [new Set()];
  triggersByRule.forEach((triggers, ruleIndex) => {
    for (const trigger of triggers) {
      let state = 0;
      for (const unit of codeUnitClasses(trigger.toLowerCase(), classOf, (code) => {
        classOf[code] = classCount;
        return classCount++;
      })) {
        let next = children[state]?.get(unit);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          outputs.push(new Set());
          children[state]?.set(unit, next);
        }
        state = next;
      }
      outputs[state]?.add(ruleIndex);
    }
  });

  const stateCount = children.length;
  const delta = new Int32Array(stateCount * classCount);
  const fail = new Int32Array(stateCount);
  const queue: number[] = [];
  for (const [unit, next] of children[0] ?? []) {
    delta[unit] = next;
    queue.push(next);
  }
  for (let head = 0; head < queue.length; head += 1) {
    const state = queue[head] as number;
    const failState = fail[state] as number;
    for (const rule of outputs[failState] ?? []) outputs[state]?.add(rule);
    for (let unit = 0; unit < classCount; unit += 1) {
      const next = children[state]?.get(unit);
      if (next === undefined) {
        delta[state * classCount + unit] = delta[failState * classCount + unit] as number;
      } else {
        fail[next] = delta[failState * classCount + unit] as number;
        delta[state * classCount + unit] = next;
        queue.push(next);
      }
    }
  }
  const accepts: (Int32Array | undefined)[] = outputs.map((set) => (set.size > 0 ? Int32Array.from([...set].sort((a, b) => a - b)) : undefined));

  const seen = new Uint32Array(triggersByRule.length);
  let generation = 0;
  return {
    candidates(text) {
      generation += 1;
      if (generation === 0xffffffff) {
        seen.fill(0);
        generation = 1;
      }
      const found: number[] = [];
      let state = 0;
      for (let i = 0; i < text.length; i += 1) {
        state = delta[state * classCount + (classOf[text.charCodeAt(i)] as number)] as number;
        const rules = accepts[state];
        if (rules === undefined) continue;
        for (const rule of rules) {
          if (seen[rule] !== generation) {
            seen[rule] = generation;
            found.push(rule);
          }
        }
      }
      return found.sort((a, b) => a - b);
    },
  };
}

function codeUnitClasses(trigger: string, classOf: Uint16Array, allocate: (code: number) => number): number[] {
  const units: number[] = [];
  for (let i = 0; i < trigger.length; i += 1) {
    const code = trigger.charCodeAt(i);
    const cls = classOf[code] as number;
    units.push(cls === 0 ? allocate(code) : cls);
  }
  return units;
}
