import type { XmlNode } from '../xml-node';

/** Every element named `name` under `node` (itself included), in document order. */
export function findAll(node: XmlNode, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (n: XmlNode) => {
    if (n.name === name) out.push(n);
    for (const c of n.children ?? []) walk(c);
  };
  walk(node);
  return out;
}

/** The text of the first `name` element under `node`. */
export function textOf(node: XmlNode, name: string): string | undefined {
  return findAll(node, name)[0]?.text;
}
