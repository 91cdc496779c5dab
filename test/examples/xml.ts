/**
 * A minimal well-formedness check for the SVG the demo writes (no XML library is a dependency): tags balance,
 * attributes are quoted, entities are known. Returns true or a message naming the first problem and its offset.
 */
export function XMLValidator(text: string): true | string {
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|&(\w+|#\d+);|[<&]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0] === '<' || m[0] === '&') return `stray ${JSON.stringify(m[0])} at ${m.index}`;
    if (m[0].startsWith('<!--')) continue;
    if (m[0].startsWith('&')) {
      if (!['amp', 'lt', 'gt', 'quot', 'apos'].includes(m[5]!) && !m[5]!.startsWith('#')) return `unknown entity &${m[5]}; at ${m.index}`;
      continue;
    }
    const [, close, name, , selfClose] = m;
    if (selfClose) continue;
    if (close) {
      const open = stack.pop();
      if (open !== name) return `</${name}> at ${m.index} closes <${open}>`;
    } else {
      stack.push(name!);
    }
  }
  return stack.length === 0 ? true : `unclosed <${stack.join('>, <')}>`;
}
