import type { XmlNode } from '#schemas/odm/xml-node';

/**
 * XML serialisation of the element trees built in schemas/odm.
 *
 * Written here rather than with xmlbuilder2 because a parser normalises a raw tab, newline
 * or carriage return inside an attribute value to a space: ODM keeps values in attributes
 * (`Value="…"`), so a free-text answer with a line break would silently change on import.
 * They are written as character references instead. Characters XML 1.0 cannot carry at all
 * (most C0 controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD.
 */

const INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: exactly the characters XML 1.0 forbids.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};
const TEXT_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\r': '&#xD;',
};

export function escapeAttribute(value: string): string {
  return value
    .replace(INVALID, '\uFFFD')
    .replace(/[&<>"\t\n\r]/g, (c) => ATTR_ESCAPES[c] as string);
}

export function escapeText(value: string): string {
  return value.replace(INVALID, '\uFFFD').replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c] as string);
}

function attributes(node: XmlNode): string {
  let out = '';
  if (node.attrs)
    for (const [k, v] of Object.entries(node.attrs))
      if (v !== undefined) out += ` ${k}="${escapeAttribute(v)}"`;
  return out;
}

/** The start tag of an element whose children are written separately (streaming). */
export function startTag(node: XmlNode): string {
  return `<${node.name}${attributes(node)}>`;
}

export function endTag(name: string): string {
  return `</${name}>`;
}

/** One element and its subtree, indented by `depth` levels of two spaces, one line per element. */
export function serialise(node: XmlNode, depth = 0): string {
  const pad = '  '.repeat(depth);
  const open = `${pad}<${node.name}${attributes(node)}`;
  if (node.text !== undefined) return `${open}>${escapeText(node.text)}</${node.name}>\n`;
  if (!node.children || node.children.length === 0) return `${open}/>\n`;
  let out = `${open}>\n`;
  for (const child of node.children) out += serialise(child, depth + 1);
  return `${out}${pad}</${node.name}>\n`;
}
