/**
 * Pattern files (`-f`, one pattern per line) and map files (`key value` per line), read once
 * at config time. Relative names are resolved against the config's directory.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export interface FileLine {
  text: string;
  line: number;
}

export interface MapLine {
  key: string;
  value: string;
  line: number;
}

export function resolvePath(baseDir: string, name: string): string {
  return isAbsolute(name) ? name : resolve(baseDir, name);
}

/** Lines of a text file without comments and blank lines, leading blanks stripped. */
function readLines(path: string): FileLine[] | { error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return { error: `failed to open pattern file <${path}>` };
  }
  const out: FileLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!;
    if (l.endsWith('\r')) l = l.slice(0, -1);
    l = l.replace(/^[ \t]+/, '');
    if (l === '' || l[0] === '#') continue;
    out.push({ text: l, line: i + 1 });
  }
  return out;
}

/** Caches file contents per absolute path: ten ACLs on the same file read it once. */
export class MapCache {
  private readonly patterns = new Map<string, FileLine[] | { error: string }>();
  private readonly maps = new Map<string, MapLine[] | { error: string }>();

  patternFile(path: string): FileLine[] | { error: string } {
    let r = this.patterns.get(path);
    if (!r) {
      r = readLines(path);
      this.patterns.set(path, r);
    }
    return r;
  }

  /** Key is the first word; value is the rest of the line with surrounding blanks removed. */
  mapFile(path: string): MapLine[] | { error: string } {
    let r = this.maps.get(path);
    if (!r) {
      const lines = this.patternFile(path);
      r = Array.isArray(lines)
        ? lines.map(({ text, line }) => {
            const m = /^(\S+)[ \t]*(.*?)[ \t]*$/.exec(text)!;
            return { key: m[1]!, value: m[2]!, line };
          })
        : lines;
      this.maps.set(path, r);
    }
    return r;
  }
}
