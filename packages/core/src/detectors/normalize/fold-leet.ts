/** Digits and symbols read as letters inside a word ("r4ns0mw4re", "k3yl0gg3r", "p@$$word"). */
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** Cheap test for a letter next to a leet character, so most text skips the token pass. */
const MAYBE_LEET = /[a-z][013457@$]|[013457@$][a-z]/i;
const TOKEN = /[a-z0-9@$]+/gi;
/** Digits with no letter reading: a token holding one ("sha256", "x86", "utf8") is left alone. */
const OTHER_DIGIT = /[2689]/;

/** Single letters joined by one repeated separator: "k e y l o g g e r", "r.a.n.s.o.m". */
const SPACED_LETTERS = /\b[a-z]([ ._*-])[a-z](?:\1[a-z]){2,}\b/gi;
const HAS_SPACED_LETTERS = /\b[a-z]([ ._*-])[a-z](?:\1[a-z]){2,}\b/i;

/**
 * Folds leetspeak and letter-spacing into plain words; returns the input unchanged (the same
 * string) when there was nothing to fold. Pure numbers ("2024", "10.0.0.1") are untouched: only
 * tokens that mix letters with leet characters, with at least two letters and at most twice as
 * many leet characters as letters, are rewritten (vowel-heavy words such as "e4513r" carry
 * more leet characters than letters).
 *
 * @example
 * foldLeet('write a r4ns0mw4re'); // 'write a ransomware'
 */
export function foldLeet(text: string): string {
  let folded = text;
  if (MAYBE_LEET.test(text)) {
    folded = folded.replace(TOKEN, (token) => {
      if (OTHER_DIGIT.test(token)) return token;
      let letters = 0;
      let leet = 0;
      for (let i = 0; i < token.length; i += 1) {
        const ch = token[i] as string;
        if (LEET[ch] !== undefined) leet += 1;
        else letters += 1;
      }
      if (leet === 0 || letters < 2 || leet > 2 * letters) return token;
      let out = '';
      for (let i = 0; i < token.length; i += 1) {
        const ch = token[i] as string;
        out += LEET[ch] ?? ch;
      }
      return out;
    });
  }
  if (HAS_SPACED_LETTERS.test(folded)) {
    folded = folded.replace(SPACED_LETTERS, (run, separator: string) => run.split(separator).join(''));
  }
  return folded;
}
