/**
 * A reader for the block-style YAML subset our deploy files use (the repository has no YAML
 * library and `npm install` is not part of a test): `key: value` mappings, `- ` sequences of
 * mappings or scalars, `>-` / `>` folded and `|` literal block scalars, double- and single-quoted
 * and plain scalars, `#` comment lines. Anything else (flow collections, anchors, tags, inline
 * comments after a value) throws, so a file this reads is one it fully understood.
 */
export type YamlValue = string | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  no: number;
}

export function parseYamlSubset(source: string): YamlValue {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, i) => {
    if (raw.includes('\t')) throw new Error(`line ${i + 1}: tab`);
    const text = raw.trimStart();
    if (text === '' || text.startsWith('#')) return;
    lines.push({ indent: raw.length - text.length, text: text.trimEnd(), no: i + 1 });
  });
  let pos = 0;

  const scalar = (s: string, no: number): string => {
    if (s.startsWith('"')) return JSON.parse(s) as string;
    if (s.startsWith("'")) {
      if (!s.endsWith("'") || s.length < 2) throw new Error(`line ${no}: unterminated quote`);
      return s.slice(1, -1).replaceAll("''", "'");
    }
    if (/^[[{&*!|>%@`]/.test(s) || / #/.test(s) || /: /.test(s)) throw new Error(`line ${no}: unsupported scalar ${s}`);
    return s;
  };

  const blockScalar = (style: string, parentIndent: number): string => {
    const parts: string[] = [];
    // Block scalar lines: every following line indented deeper than the key (blank lines dropped).
    while (pos < lines.length && lines[pos]!.indent > parentIndent) parts.push(lines[pos++]!.text);
    return style.startsWith('|') ? parts.join('\n') : parts.join(' ');
  };

  const value = (rest: string, indent: number, no: number): YamlValue => {
    if (rest === '') {
      const next = lines[pos];
      if (!next || next.indent <= indent) throw new Error(`line ${no}: empty value`);
      return block(next.indent);
    }
    if (/^[>|]-?$/.test(rest)) return blockScalar(rest, indent);
    return scalar(rest, no);
  };

  const mapping = (indent: number, first?: string): Record<string, YamlValue> => {
    const out: Record<string, YamlValue> = {};
    let text = first;
    for (;;) {
      let no: number;
      if (text === undefined) {
        const line = lines[pos];
        if (!line || line.indent !== indent || line.text.startsWith('- ')) break;
        text = line.text;
        no = line.no;
        pos++;
      } else {
        no = lines[pos - 1]!.no;
      }
      const m = /^([A-Za-z_][\w.-]*):(?: (.*))?$/.exec(text);
      if (!m) throw new Error(`line ${no}: expected key: value, got ${text}`);
      if (m[1]! in out) throw new Error(`line ${no}: duplicate key ${m[1]}`);
      out[m[1]!] = value((m[2] ?? '').trim(), indent, no);
      text = undefined;
      const next = lines[pos];
      if (next && next.indent > indent) throw new Error(`line ${next.no}: unexpected indentation`);
    }
    return out;
  };

  const sequence = (indent: number): YamlValue[] => {
    const out: YamlValue[] = [];
    while (pos < lines.length && lines[pos]!.indent === indent && lines[pos]!.text.startsWith('- ')) {
      const line = lines[pos++]!;
      const item = line.text.slice(2).trim();
      out.push(/^[A-Za-z_][\w.-]*:( |$)/.test(item) ? mapping(indent + 2, item) : scalar(item, line.no));
    }
    return out;
  };

  const block = (indent: number): YamlValue => (lines[pos]!.text.startsWith('- ') ? sequence(indent) : mapping(indent));

  if (lines.length === 0) throw new Error('empty document');
  const doc = block(lines[0]!.indent);
  if (pos !== lines.length) throw new Error(`line ${lines[pos]!.no}: not understood`);
  return doc;
}
