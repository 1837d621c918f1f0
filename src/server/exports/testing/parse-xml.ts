import { SaxesParser } from 'saxes';
import type { XmlNode } from '#schemas/odm/xml-node';

/**
 * A whole document as an XmlNode tree (attributes and text as a parser sees them, after
 * entity and character-reference decoding): for assertions on small test exports.
 */
export function parseXml(xml: string): XmlNode {
  const parser = new SaxesParser();
  type Mutable = {
    name: string;
    attrs: Record<string, string>;
    children: Mutable[];
    text?: string;
  };
  const stack: Mutable[] = [];
  let root: Mutable | undefined;
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (tag) => {
    const node: Mutable = {
      name: tag.name,
      attrs: { ...(tag.attributes as Record<string, string>) },
      children: [],
    };
    stack.at(-1)?.children.push(node);
    root ??= node;
    stack.push(node);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top && text.trim() !== '') top.text = (top.text ?? '') + text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (!root) throw new Error('empty document');
  return root;
}
