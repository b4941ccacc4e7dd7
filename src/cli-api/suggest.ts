/**
 * "Did you mean" for the Runtime API, as HAProxy 2.6 proposes commands after an unknown one:
 * words are compared through letter-pair fingerprints (each letter class followed by the next,
 * starting from a word-begin marker), and the distance is the sum of the count differences.
 * Checked against haproxy 2.6's answers to `foo`, `show foo` and `sho stat`.
 */

/** Letter classes: 1..26 for a..z, 27 for digits, 28 for anything else and for the word start. */
function letterClass(ch: string): number {
  const c = ch.toLowerCase().charCodeAt(0);
  if (c >= 97 && c <= 122) return c - 96;
  if (c >= 48 && c <= 57) return 27;
  return 28;
}

export type Fingerprint = Uint8Array;

export function newFingerprint(): Fingerprint {
  return new Uint8Array(1024);
}

/** Adds the letter pairs of one word to a fingerprint. */
export function addWord(fp: Fingerprint, word: string): void {
  let from = 28;
  for (const ch of word) {
    const to = letterClass(ch);
    fp[32 * from + to] = (fp[32 * from + to]! + 1) & 0xff;
    from = to;
  }
}

export function fingerprintDistance(a: Fingerprint, b: Fingerprint): number {
  let d = 0;
  for (let i = 0; i < 1024; i++) d += Math.abs(a[i]! - b[i]!);
  return d;
}

export interface Candidate<T> {
  item: T;
  words: readonly string[];
}

/** Best matches kept, as HAProxy does. */
export const MAX_MATCHES = 5;

/**
 * The candidates closest to `typed` (the words after the `matched` leading words that all
 * candidates share), best first: at most MAX_MATCHES, each within 5/4 of the combined length, and
 * none beyond 5/2 of the best distance.
 */
export function closest<T>(typed: readonly string[], matched: number, candidates: readonly Candidate<T>[]): T[] {
  const best: { item: T; dist: number }[] = [];
  if (!typed[matched]) return [];
  const typedFp = newFingerprint();
  let typedLen = 0;
  for (const w of typed.slice(matched)) {
    addWord(typedFp, w);
    typedLen += w.length;
  }
  for (const c of candidates) {
    let ok = true;
    for (let i = 0; i < matched; i++) if (c.words[i] !== typed[i]) ok = false;
    if (!ok || c.words.length < matched) continue;
    const fp = newFingerprint();
    let len = typedLen;
    for (const w of c.words.slice(matched)) {
      addWord(fp, w);
      len += w.length;
    }
    const dist = fingerprintDistance(typedFp, fp);
    if (dist >= (5 * len) / 4) continue;
    const worst = best.length < MAX_MATCHES ? Infinity : best[best.length - 1]!.dist;
    if (dist >= worst) continue;
    if (best.length === MAX_MATCHES) best.pop();
    let at = best.length;
    while (at > 0 && best[at - 1]!.dist > dist) at--;
    best.splice(at, 0, { item: c.item, dist });
  }
  if (best.length === 0) return [];
  const limit = (5 * best[0]!.dist) / 2;
  return best.filter((b) => b.dist <= limit).map((b) => b.item);
}
