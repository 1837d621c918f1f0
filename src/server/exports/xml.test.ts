import { describe, expect, it } from 'vitest';
import { el, textEl } from '#schemas/odm/xml-node';
import { endTag, escapeAttribute, escapeText, serialise, startTag } from './xml';

describe('XML escaping', () => {
  it('keeps tabs and line breaks in attributes as character references (a parser would turn them into spaces)', () => {
    expect(escapeAttribute('a\tb\nc\r"d" <e> & f')).toBe(
      'a&#x9;b&#xA;c&#xD;&quot;d&quot; &lt;e&gt; &amp; f',
    );
  });

  it('escapes markup in text and keeps line breaks', () => {
    expect(escapeText('x < y && "z"\n]]>\r')).toBe('x &lt; y &amp;&amp; "z"\n]]&gt;&#xD;');
  });

  it('replaces characters XML 1.0 cannot carry, keeps every other character', () => {
    expect(escapeAttribute('a\u0000b\u0008c\u001Fd\uFFFEe\uD800f')).toBe(
      'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf',
    );
    expect(escapeText('日本語 עברית 😀 \u0085')).toBe('日本語 עברית 😀 \u0085');
  });
});

describe('serialise', () => {
  it('writes one element per line, indented, empty elements self-closed, undefined attributes left out', () => {
    const node = el('A', { x: '1', y: undefined }, [el('B'), textEl('C', 'a&b', { l: 'en' })]);
    expect(serialise(node, 1)).toBe('  <A x="1">\n    <B/>\n    <C l="en">a&amp;b</C>\n  </A>\n');
    expect(startTag(el('ODM', { FileType: 'Snapshot' }))).toBe('<ODM FileType="Snapshot">');
    expect(endTag('ODM')).toBe('</ODM>');
  });
});
