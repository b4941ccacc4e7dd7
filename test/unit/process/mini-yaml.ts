/**
 * Just enough YAML for the deployment files of this repository (and a test of that): block maps
 * and lists by indentation, `- key: value` items, plain / quoted / flow-list scalars, `|` block
 * scalars and comments. Anything else throws, so a file that outgrows it fails loudly.
 */
export type Yaml = string | number | boolean | null | Yaml[] | { [k: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  no: number;
}

function scalar(raw: string): Yaml {
  const s = raw.trim();
  if (s === '' || s === '~' || s === 'null') return null;
  if (s === 'true' || s === 'false') return s === 'true';
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (s.startsWith('"')) return JSON.parse(s) as string;
  if (s.startsWith("'")) return s.slice(1, -1).replace(/''/g, "'");
  if (s.startsWith('[')) return JSON.parse(s) as Yaml[];
  if (s.startsWith('{') || s.startsWith('&') || s.startsWith('*') || s.startsWith('!')) throw new Error(`unsupported YAML: ${s}`);
  return s;
}

/** Splits "key: value" (the colon must be followed by a space or the end). */
function keyValue(text: string): [string, string] | undefined {
  const m = /^("[^"]*"|'[^']*'|[^'"\s][^:]*?):(?:\s+(.*))?$/.exec(text);
  if (!m) return undefined;
  return [String(scalar(m[1]!)), m[2] ?? ''];
}

export function parseYaml(text: string): Yaml {
  const raw = text.split('\n');
  const lines: Line[] = [];
  raw.forEach((l, i) => {
    if (/^\s*(#.*)?$/.test(l) || l.trim() === '---') return;
    lines.push({ indent: l.length - l.trimStart().length, text: l.trim().replace(/\s+#\s.*$/, ''), no: i });
  });
  let pos = 0;

  const block = (indent: number): Yaml => {
    const first = lines[pos];
    if (!first || first.indent < indent) return null;
    if (first.text.startsWith('- ') || first.text === '-') return list(first.indent);
    return map(first.indent);
  };

  const value = (rest: string, parentIndent: number, no: number): Yaml => {
    if (rest === '|' || rest === '|-') {
      const out: string[] = [];
      let base = -1;
      for (let i = no + 1; i < raw.length; i++) {
        const l = raw[i]!;
        const ind = l.length - l.trimStart().length;
        if (l.trim() !== '' && ind <= parentIndent) break;
        if (base < 0 && l.trim() !== '') base = ind;
        out.push(l.trim() === '' ? '' : l.slice(base));
      }
      while (pos < lines.length && lines[pos]!.no <= no + out.length) pos++;
      const body = out.join('\n').replace(/\n+$/, '');
      return rest === '|' ? `${body}\n` : body;
    }
    if (rest !== '') return scalar(rest);
    return block(parentIndent + 1);
  };

  const map = (indent: number): Yaml => {
    const out: { [k: string]: Yaml } = {};
    while (pos < lines.length && lines[pos]!.indent === indent && !lines[pos]!.text.startsWith('- ')) {
      const l = lines[pos]!;
      const kv = keyValue(l.text);
      if (!kv) throw new Error(`line ${l.no + 1}: expected key: value, got '${l.text}'`);
      pos++;
      out[kv[0]] = value(kv[1], indent, l.no);
    }
    return out;
  };

  const list = (indent: number): Yaml => {
    const out: Yaml[] = [];
    while (pos < lines.length && lines[pos]!.indent === indent && (lines[pos]!.text.startsWith('- ') || lines[pos]!.text === '-')) {
      const l = lines[pos]!;
      const rest = l.text === '-' ? '' : l.text.slice(2).trim();
      const kv = keyValue(rest);
      if (kv && !rest.startsWith('"') && !rest.startsWith('[')) {
        // "- key: value" starts a map whose other keys are indented like `key`.
        const inner = indent + 2;
        l.indent = inner;
        l.text = rest;
        out.push(map(inner));
      } else {
        pos++;
        out.push(value(rest, indent, l.no));
      }
    }
    return out;
  };

  const doc = block(0);
  if (pos < lines.length) throw new Error(`line ${lines[pos]!.no + 1}: unexpected indentation`);
  return doc;
}
