import { describe, expect, it } from 'vitest';
import { metaDataVersionOid, signatureDefOid, unitOid, userOid } from './oids';
import { el, textEl, translated } from './xml-node';

describe('OIDs', () => {
  it('are stable ASCII names built from keys', () => {
    expect(metaDataVersionOid(3)).toBe('MDV.DREAM.3');
    expect(userOid('inv.fr01')).toBe('USR.inv.fr01');
    expect(unitOid('s/mm²')).toBe('MU.s_mm_');
    expect(signatureDefOid('I approve this casebook')).toBe('SD.i_approve_this_casebook');
  });
});

describe('xml nodes', () => {
  it('leave out what is not given', () => {
    expect(el('A')).toEqual({ name: 'A' });
    expect(el('A', undefined, [])).toEqual({ name: 'A' });
    expect(el('A', undefined, [el('B')])).toEqual({ name: 'A', children: [{ name: 'B' }] });
    expect(el('A', { x: '1' }, [el('B')])).toEqual({
      name: 'A',
      attrs: { x: '1' },
      children: [{ name: 'B' }],
    });
    expect(textEl('A', 't')).toEqual({ name: 'A', text: 't' });
    expect(translated('Question', 'Age')).toEqual({
      name: 'Question',
      children: [{ name: 'TranslatedText', attrs: { 'xml:lang': 'en' }, text: 'Age' }],
    });
  });
});
