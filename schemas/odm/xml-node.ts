/**
 * A plain XML element tree: what the pure ODM mapping produces and the server's streaming
 * writer serialises. Keeping escaping and I/O out of `schemas/` lets the browser, tests and
 * the server share the mapping while only the server writes bytes.
 */
export interface XmlNode {
  readonly name: string;
  /** In document order; an undefined value leaves the attribute out. */
  readonly attrs?: Readonly<Record<string, string | undefined>>;
  readonly children?: readonly XmlNode[];
  /** Character content (mixed content is not needed by ODM). */
  readonly text?: string;
}

export function el(
  name: string,
  attrs?: Readonly<Record<string, string | undefined>>,
  children?: readonly XmlNode[],
): XmlNode {
  if (children && children.length > 0)
    return attrs ? { name, attrs, children } : { name, children };
  return attrs ? { name, attrs } : { name };
}

export function textEl(
  name: string,
  text: string,
  attrs?: Readonly<Record<string, string | undefined>>,
): XmlNode {
  return attrs ? { name, attrs, text } : { name, text };
}

/** `<Name><TranslatedText xml:lang="en">text</TranslatedText></Name>` */
export function translated(name: string, text: string): XmlNode {
  return el(name, undefined, [textEl('TranslatedText', text, { 'xml:lang': 'en' })]);
}
