/**
 * A generic name → entry table. Feature modules register their keywords, fetches,
 * converters, actions and commands here; lookups that miss can suggest the closest name.
 */
export class Registry<T> {
  private readonly entries = new Map<string, T>();

  constructor(readonly what: string) {}

  add(name: string, entry: T): void {
    if (this.entries.has(name)) throw new Error(`${this.what} '${name}' is registered twice`);
    this.entries.set(name, entry);
  }

  get(name: string): T | undefined {
    return this.entries.get(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  values(): T[] {
    return [...this.entries.values()];
  }

  /** The registered name closest to `name`, or undefined when nothing is close enough. */
  suggest(name: string, filter?: (entry: T, name: string) => boolean): string | undefined {
    let best: string | undefined;
    let bestScore = Infinity;
    for (const [candidate, entry] of this.entries) {
      if (filter && !filter(entry, candidate)) continue;
      const d = editDistance(name, candidate);
      if (d < bestScore) {
        bestScore = d;
        best = candidate;
      }
    }
    // Accept a suggestion when at most about a third of the word differs.
    return best !== undefined && bestScore <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
  }
}

/** Damerau-Levenshtein distance (optimal string alignment): a swap of two letters counts once. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}
