import { describe, expect, it } from 'vitest';
import {
  casebookNav,
  followUpLesions,
  type Management,
  neighbours,
  pathAvailability,
} from './model';

describe('casebook navigation', () => {
  const instances = [
    { form: 'REG', instance: '1', state: 'active' },
    { form: 'LES', instance: 'L1', state: 'active' },
    { form: 'LES', instance: 'L2', state: 'entered_in_error' },
    { form: 'LES', instance: 'L3', state: 'active' },
    { form: 'IOLES', instance: 'L1', state: 'active' },
    { form: 'IOLES', instance: 'L3', state: 'active' },
    { form: 'PATH', instance: 'L3', state: 'active' },
    { form: 'FU', instance: 'FU1', state: 'active' },
  ] as const;
  const management = new Map<string, Management>([
    ['L1', 'resected'],
    ['L3', 'left_in_place'],
  ]);
  const nav = casebookNav(instances, ['L1', 'L2', 'L3'], ['FU1'], management);
  const of = (event: string) =>
    nav
      .find((e) => e.key === event)
      ?.items.map(
        (i) =>
          `${i.form}/${i.instance}${i.expected ? '?' : ''}${i.state === 'entered_in_error' ? '!' : ''}`,
      );

  it('lists every event in order, once-only forms expected until started', () => {
    expect(nav.map((e) => e.key)).toEqual([
      'registration',
      'chemotherapy',
      'imaging',
      'lesions',
      'enrolment',
      'surgery',
      'pathology',
      'follow_up',
      'end_of_study',
    ]);
    expect(of('registration')).toEqual(['REG/1']);
    expect(of('chemotherapy')).toEqual(['CHEMO/1?']);
    expect(of('imaging')).toEqual(['IMGEX/baseline?', 'IMGEX/preop?']);
  });

  it('lists lesions (entered in error flagged), IOLES for active lesions, PATH for resected ones or existing', () => {
    expect(of('lesions')).toEqual(['LES/L1', 'LES/L2!', 'LES/L3']);
    expect(of('surgery')).toEqual(['SURG/1?', 'IOLES/L1', 'IOLES/L3']);
    // L1 resected (expected), L3 not resected but has a pathology form (kept visible).
    expect(of('pathology')).toEqual(['PATH/L1?', 'PATH/L3']);
    expect(of('follow_up')).toEqual(['FU/FU1']);
  });

  it('says why a lesion has no pathology form', () => {
    expect(pathAvailability('resected')).toEqual({ available: true });
    expect(pathAvailability('left_in_place')).toEqual({
      available: false,
      reason: 'left_in_place',
    });
    expect(pathAvailability(undefined)).toEqual({ available: false, reason: 'not_recorded' });
  });

  it('asks FU site recurrence for lesions left in place plus any already answered', () => {
    expect(followUpLesions(['L10', 'L2'], { L3: 'no' })).toEqual(['L2', 'L3', 'L10']);
    expect(followUpLesions([], undefined)).toEqual([]);
  });

  it('finds previous and next lesions', () => {
    expect(neighbours(['L1', 'L3', 'L4'], 'L3')).toEqual({ prev: 'L1', next: 'L4' });
    expect(neighbours(['L1'], 'L1')).toEqual({});
  });
});
