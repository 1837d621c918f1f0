import type { Kysely } from 'kysely';
import {
  CHEMO_DONE,
  ENROL_OK,
  fuVisit,
  IMGEX_BASELINE,
  IMGEX_PREOP,
  ioles,
  LES_CDLM,
  LES_NON_CDLM,
  LES_NON_DLM,
  pathTrg,
  REG_ELIGIBLE,
  SURG_DONE,
} from '#schemas/testing/presets';
import type { Database } from '../../db/schema';
import { StudyWriter } from './study-writer';

export interface DemoUsers {
  /** FR01 principal investigator and a co-investigator of the same site. */
  readonly fr01: string;
  readonly fr01b: string;
  readonly jp01: string;
  readonly at01: string;
}

export interface DemoStudy {
  readonly writer: StudyWriter;
  /** Subject ids by label. */
  readonly subjects: ReadonlyMap<string, string>;
}

/** A subject operated on, with imaging, `lesions` (LES + IOLES (+ PATH)) and follow-up. */
async function operated(
  w: StudyWriter,
  user: string,
  site: string,
  lesions: readonly {
    les: Record<string, unknown>;
    management: 'resected' | 'left_in_place' | 'ablated';
    trg?: string;
  }[],
  visits: readonly Record<string, unknown>[],
): Promise<string> {
  const s = await w.subject(user, site);
  await w.set(user, s, 'REG', '1', REG_ELIGIBLE);
  await w.set(user, s, 'CHEMO', '1', CHEMO_DONE);
  await w.set(user, s, 'IMGEX', 'baseline', IMGEX_BASELINE);
  await w.set(user, s, 'IMGEX', 'preop', IMGEX_PREOP);
  await w.set(user, s, 'ENROL', '1', ENROL_OK);
  await w.set(user, s, 'SURG', '1', SURG_DONE);
  for (const [i, l] of lesions.entries()) {
    const key = `L${i + 1}`;
    await w.set(user, s, 'LES', key, { lesion_no: key, ...l.les });
    await w.set(user, s, 'IOLES', key, ioles(l.management));
    if (l.trg) await w.set(user, s, 'PATH', key, pathTrg(l.trg));
  }
  for (const [i, v] of visits.entries()) {
    const { site_recurrence, ...rest } = v as { site_recurrence?: Record<string, string> };
    await w.set(user, s, 'FU', `FU${i + 1}`, rest);
    for (const [lesion, answer] of Object.entries(site_recurrence ?? {}))
      await w.set(user, s, 'FU', `FU${i + 1}`, { [`site_recurrence.${lesion}`]: answer });
  }
  return s;
}

/**
 * A small study like the demo: three sites, operated patients with cDLMs, non-cDLMs and
 * visible lesions, resected (with pathology) and left in place (with follow-up to 24
 * months), values changed and cleared with reasons by two investigators, a lesion entered
 * in error, a patient registered only, and free text in Japanese and Hebrew with markup
 * characters.
 */
export async function seedDemoStudy(db: Kysely<Database>, u: DemoUsers): Promise<DemoStudy> {
  const w = new StudyWriter(db);
  const a = await operated(
    w,
    u.fr01,
    'FR01',
    [
      { les: LES_CDLM, management: 'resected', trg: 'TRG1' },
      { les: LES_CDLM, management: 'left_in_place' },
      { les: LES_NON_CDLM, management: 'resected', trg: 'TRG3' },
      { les: LES_NON_DLM, management: 'resected', trg: 'TRG4' },
    ],
    [fuVisit(12, '2020-08-18', { L2: 'no' }), fuVisit(24, '2021-08-19', { L2: 'no' })],
  );
  // Corrections: a changed value (by the co-investigator), a cleared one, a changed code.
  await w.set(
    u.fr01b,
    a,
    'REG',
    '1',
    { age_years: 63 },
    'Transcription error: age at registration',
  );
  await w.set(u.fr01, a, 'REG', '1', { cea_ng_ml: null }, 'Value belonged to another patient');
  await w.set(
    u.fr01,
    a,
    'LES',
    'L3',
    { preop_dwi: 'not_visible', preop_adc: null },
    'Re-read by the radiologist',
  );
  await w.set(u.fr01, a, 'EOS', '1', {
    last_contact_date: '2021-09-01',
    vital_status: 'alive',
    lost_to_follow_up: 'no',
    withdrawal: 'no',
  });

  const b = await operated(
    w,
    u.fr01,
    'FR01',
    [
      { les: LES_CDLM, management: 'left_in_place' },
      { les: LES_NON_DLM, management: 'resected', trg: 'TRG2' },
    ],
    [fuVisit(24, '2021-08-20', { L1: 'yes' })],
  );
  await w.set(u.fr01, b, 'FU', 'FU1', { 'site_recurrence_date.L1': '2021-08-20' });
  await w.set(u.fr01, b, 'LES', 'L3', { lesion_no: 'L3', segment: 'II' });
  await w.state(u.fr01, b, 'LES', 'L3', 'entered_in_error', 'Same lesion as L1');

  const c = await operated(
    w,
    u.jp01,
    'JP01',
    [{ les: LES_CDLM, management: 'resected', trg: 'TRG1' }],
    [fuVisit(12, '2020-08-30')],
  );
  await w.set(
    u.jp01,
    c,
    'CHEMO',
    '1',
    {
      first_regimen: 'other',
      first_regimen_other: 'FOLFOX 変法 <modified> & "dose-dense"',
    },
    'Regimen specified by the oncologist',
  );

  const d = await w.subject(u.jp01, 'JP01');
  await w.set(u.jp01, d, 'REG', '1', {
    ...REG_ELIGIBLE,
    extrahepatic_mets: 'yes',
    extrahepatic_sites: ['lung', 'peritoneum'],
  });
  await w.set(u.jp01, d, 'SURG', '1', {
    surgery_done: 'no',
    no_surgery_reason: 'הקרנה – progression <before> surgery & "refused"\nsecond line',
  });

  const e = await w.subject(u.at01, 'AT01');
  await w.set(u.at01, e, 'REG', '1', {
    registration_date: '2020-01-15',
    consent_date: '2020-01-14',
    cohort: 'during_chemo',
    ct_mri_during_chemo: 'yes',
  });
  await w.set(u.at01, e, 'LES', 'L1', {
    lesion_no: 'L1',
    segment: 'IVa',
    template_xy: { x: 0.25, y: 0.6 },
  });
  await w.set(u.at01, e, 'IMGEX', 'baseline', { dwi_done: 'yes', dwi_b_values: [0, 150, 800] });

  return { writer: w, subjects: new Map([...w.labels].map(([id, label]) => [label, id])) };
}
