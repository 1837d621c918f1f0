import type { Casebook } from '../../rules/casebook';
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
  operatedPatient,
  pathTrg,
  REG_ELIGIBLE,
} from '../../testing/presets';
import { Scenario } from '../../testing/scenario';

/**
 * Test helper: casebooks — form answers, as an investigator would enter them — for a study
 * whose counts are the DREAM paper's (JAMA Surg 2025; crf-spec §5). Every status the
 * end-point engine sees comes out of schemas/rules from these answers; nothing here sets a
 * classification, a truth or an evaluability directly.
 *
 * Patients (233 registered, as the paper):
 * - 48 "found" patients: the per-patient layout of evaluable cDLMs that reproduces all six
 *   published 90 % limits (schemas/stats/testing/find-clustering.ts, seed 3; the same table
 *   is in clustered-proportion.test.ts). 152 evaluable cDLMs: 88 resected (50 TRG1), 64 left
 *   in place (45 without recurrence at 24 months).
 * - 6 patients whose cDLMs are all non-evaluable (MRI off protocol, surgery late, died or
 *   lost before the 24-month imaging, site not assessable), 13 with non-cDLMs only: 67
 *   patients with DLMs, 54 with cDLMs, as the paper.
 * - 75 evaluable non-cDLMs: 70 resected (22 nonviable, 3 of them not identified at 1-mm
 *   sectioning), 5 left in place (3 nonviable); 6 of them unconfirmed (T1 not done).
 *   227 evaluable DLMs, 120 nonviable.
 * - Non-evaluable DLMs so that the totals are the paper's: 296 DLMs, 203 cDLMs.
 * - CEUS as the paper: 19 evaluable cDLMs visible on CEUS (all resected, 12 nonviable),
 *   57 not visible (13 resected, 44 left; 42 nonviable).
 * - 42 operated patients without DLMs, 3 enrolled but not operated, 121 not enrolled
 *   (10 resectable at diagnosis, 5 WHO PS 2, 96 not resectable per MDT, 10 < 2 cycles).
 */

export type Outcome = 'nonviable' | 'viable' | 'not_identified' | 'pending' | 'not_assessable';
export type LesionKind = 'cdlm' | 'non_cdlm' | 'dlm_unconfirmed' | 'non_dlm' | 'new';

export interface LesionSpec {
  kind: LesionKind;
  /** undefined: no IOLES form (management not recorded). */
  management: 'resected' | 'left_in_place' | 'ablated' | undefined;
  outcome: Outcome;
  ceus?: 'visible' | 'not_visible';
}

export interface PatientSpec {
  id: string;
  site: string;
  status: 'operated' | 'not_operated' | 'resectable' | 'who_ps_2' | 'mdt_no' | 'one_cycle';
  lesions: LesionSpec[];
  mriOffProtocol?: boolean;
  surgeryLate?: boolean;
  /** How follow-up of lesions left in place ended (default: the 24-month visit). */
  followUp?: 'complete' | 'died' | 'lost';
}

/**
 * The 48-patient layout found by the deterministic search: per patient
 * [resected cDLMs, of which TRG1, left in place, of which without recurrence].
 */
// biome-ignore format: six patients per line keep the table readable
export const FOUND: readonly (readonly [number, number, number, number])[] = [
  [1, 0, 0, 0], [4, 4, 0, 0], [0, 0, 1, 1], [1, 1, 0, 0], [4, 0, 0, 0], [4, 2, 5, 0],
  [2, 2, 2, 0], [5, 5, 0, 0], [3, 3, 0, 0], [5, 0, 0, 0], [1, 1, 6, 6], [1, 0, 0, 0],
  [3, 0, 0, 0], [1, 1, 0, 0], [3, 0, 0, 0], [0, 0, 1, 1], [1, 1, 5, 5], [1, 1, 0, 0],
  [0, 0, 4, 4], [1, 1, 0, 0], [2, 2, 0, 0], [1, 1, 0, 0], [2, 1, 0, 0], [2, 2, 0, 0],
  [3, 3, 0, 0], [1, 1, 0, 0], [4, 1, 7, 7], [0, 0, 4, 4], [2, 2, 4, 0], [2, 2, 2, 0],
  [1, 0, 0, 0], [2, 2, 0, 0], [1, 0, 0, 0], [0, 0, 2, 2], [3, 0, 3, 0], [1, 0, 0, 0],
  [0, 0, 1, 1], [3, 2, 0, 0], [1, 0, 0, 0], [4, 3, 0, 0], [1, 0, 0, 0], [3, 0, 1, 0],
  [3, 2, 0, 0], [3, 2, 0, 0], [0, 0, 11, 11], [1, 1, 2, 0], [0, 0, 3, 3], [1, 1, 0, 0],
];

const SITES = ['FR01', 'FR02', 'AT01', 'BE01', 'US01', 'JP01'];

const lesion = (
  kind: LesionKind,
  management: LesionSpec['management'],
  outcome: Outcome,
  ceus?: 'visible' | 'not_visible',
): LesionSpec =>
  ceus === undefined ? { kind, management, outcome } : { kind, management, outcome, ceus };

const repeat = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);

/** Hands out CEUS findings from quotas: [visible, not visible] × [nonviable, viable]. */
function ceusQuota(quota: { visible: [number, number]; notVisible: [number, number] }) {
  return (nonviable: boolean): 'visible' | 'not_visible' | undefined => {
    const i = nonviable ? 0 : 1;
    if (quota.visible[i] > 0) {
      quota.visible[i]--;
      return 'visible';
    }
    if (quota.notVisible[i] > 0) {
      quota.notVisible[i]--;
      return 'not_visible';
    }
    return undefined;
  };
}

/** The patient specifications of the paper cohort (see the module comment). */
export function paperCohortSpecs(): PatientSpec[] {
  const specs: PatientSpec[] = [];
  let next = 1;
  const add = (p: Omit<PatientSpec, 'id' | 'site'>) => {
    const id = `P${String(next).padStart(3, '0')}`;
    specs.push({ id, site: SITES[next % SITES.length] as string, ...p });
    next++;
    return specs.at(-1) as PatientSpec;
  };

  // Resected cDLMs: CEUS visible 19 (12 TRG1), not visible 13 (9 TRG1); the rest no CEUS.
  const resectedCeus = ceusQuota({ visible: [12, 7], notVisible: [9, 4] });
  // Left in place: CEUS not visible 44 (33 without recurrence); the rest no CEUS.
  const leftCeus = ceusQuota({ visible: [0, 0], notVisible: [33, 11] });
  const found = FOUND.map(([rm, ry, lm, ly]) => {
    const lesions: LesionSpec[] = [];
    for (let i = 0; i < rm; i++) {
      const nv = i < ry;
      lesions.push(lesion('cdlm', 'resected', nv ? 'nonviable' : 'viable', resectedCeus(nv)));
    }
    for (let i = 0; i < lm; i++) {
      const nv = i < ly;
      lesions.push(lesion('cdlm', 'left_in_place', nv ? 'nonviable' : 'viable', leftCeus(nv)));
    }
    return add({ status: 'operated', lesions });
  });

  // Patients whose cDLMs (and some non-cDLMs) cannot be evaluated.
  add({
    status: 'operated',
    mriOffProtocol: true,
    lesions: [
      ...repeat(5, () => lesion('cdlm', 'resected', 'nonviable')),
      ...repeat(2, () => lesion('non_cdlm', 'resected', 'viable')),
    ],
  });
  add({
    status: 'operated',
    mriOffProtocol: true,
    lesions: [
      ...repeat(4, () => lesion('cdlm', 'left_in_place', 'nonviable')),
      ...repeat(2, () => lesion('non_cdlm', 'resected', 'viable')),
    ],
  });
  add({
    status: 'operated',
    surgeryLate: true,
    lesions: [
      ...repeat(4, () => lesion('cdlm', 'resected', 'nonviable')),
      ...repeat(2, () => lesion('non_cdlm', 'resected', 'viable')),
    ],
  });
  add({
    status: 'operated',
    followUp: 'died',
    lesions: [
      ...repeat(6, () => lesion('cdlm', 'left_in_place', 'nonviable')),
      ...repeat(2, () => lesion('non_cdlm', 'left_in_place', 'nonviable')),
    ],
  });
  add({
    status: 'operated',
    followUp: 'lost',
    lesions: repeat(3, () => lesion('cdlm', 'left_in_place', 'nonviable')),
  });
  add({
    status: 'operated',
    lesions: repeat(2, () => lesion('cdlm', 'left_in_place', 'not_assessable')),
  });

  // The 75 evaluable non-cDLMs: 35 to 13 patients with non-cDLMs only, 40 to found patients.
  const nonCdlm: LesionSpec[] = [
    ...repeat(3, () => lesion('non_cdlm', 'left_in_place', 'nonviable')),
    ...repeat(2, () => lesion('non_cdlm', 'left_in_place', 'viable')),
    ...repeat(3, () => lesion('non_cdlm', 'resected', 'not_identified')),
    ...repeat(2, () => lesion('dlm_unconfirmed', 'resected', 'nonviable')),
    ...repeat(4, () => lesion('dlm_unconfirmed', 'resected', 'viable')),
    ...repeat(17, () => lesion('non_cdlm', 'resected', 'nonviable')),
    ...repeat(44, () => lesion('non_cdlm', 'resected', 'viable')),
  ];
  const onlyNonCdlm = repeat(13, () => add({ status: 'operated', lesions: [] }));
  nonCdlm.forEach((l, i) => {
    const target = i < 35 ? onlyNonCdlm[i % 13] : found[i - 35];
    target?.lesions.push(l);
  });

  // Non-evaluable DLMs of found patients: ablated, pathology pending, management missing.
  const spread = (ls: LesionSpec[], offset: number) => {
    for (const [i, l] of ls.entries()) found[(offset + i * 7) % found.length]?.lesions.push(l);
  };
  spread(
    repeat(20, () => lesion('cdlm', 'ablated', 'pending')),
    0,
  );
  spread(
    repeat(6, () => lesion('non_cdlm', 'ablated', 'pending')),
    3,
  );
  spread(
    repeat(4, () => lesion('cdlm', 'resected', 'pending')),
    5,
  );
  spread(
    repeat(2, () => lesion('non_cdlm', 'resected', 'pending')),
    1,
  );
  spread(
    repeat(3, () => lesion('cdlm', undefined, 'pending')),
    2,
  );
  spread(
    repeat(2, () => lesion('non_cdlm', undefined, 'pending')),
    4,
  );

  // Lesions that are not DLMs, here and there.
  found.forEach((p, i) => {
    if (i % 3 === 0) p.lesions.push(lesion('non_dlm', 'resected', 'viable'));
    if (i % 10 === 0) p.lesions.push(lesion('new', 'resected', 'viable'));
  });
  for (let i = 0; i < 42; i++)
    add({
      status: 'operated',
      lesions: repeat(1 + (i % 3), () => lesion('non_dlm', 'resected', 'viable')),
    });
  for (let i = 0; i < 3; i++)
    add({ status: 'not_operated', lesions: [lesion('cdlm', undefined, 'pending')] });
  for (let i = 0; i < 10; i++) add({ status: 'resectable', lesions: [] });
  for (let i = 0; i < 5; i++) add({ status: 'who_ps_2', lesions: [] });
  for (let i = 0; i < 96; i++) add({ status: 'mdt_no', lesions: [] });
  for (let i = 0; i < 10; i++) add({ status: 'one_cycle', lesions: [] });
  return specs;
}

const LES: Record<LesionKind, Readonly<Record<string, unknown>>> = {
  cdlm: LES_CDLM,
  non_cdlm: LES_NON_CDLM,
  dlm_unconfirmed: { ...LES_CDLM, preop_t1: 'not_done' },
  non_dlm: LES_NON_DLM,
  new: { ...LES_CDLM, base_ct_visible: 'no', base_ct_size_mm: null },
};

const NOT_IDENTIFIED = {
  specimen_id: 'H19-0001',
  segment: 'VII',
  found_5mm: 'no',
  found_1mm: 'no',
};

/** Enters one patient's forms, as the casebook screens would store them. */
export function patientScenario(p: PatientSpec): Scenario {
  const opts = { subjectId: p.id, siteCode: p.site };
  if (p.status !== 'operated' && p.status !== 'not_operated') {
    const s = new Scenario(opts)
      .answers('REG', '1', REG_ELIGIBLE)
      .answers('CHEMO', '1', CHEMO_DONE)
      .answers('IMGEX', 'baseline', IMGEX_BASELINE)
      .answers('IMGEX', 'preop', IMGEX_PREOP)
      .answers('ENROL', '1', ENROL_OK);
    if (p.status === 'resectable') s.answer('REG', '1', 'resectability_at_diagnosis', 'resectable');
    if (p.status === 'who_ps_2') s.answer('REG', '1', 'who_ps', '2');
    if (p.status === 'mdt_no') s.answer('ENROL', '1', 'mdt_resectable', 'no');
    if (p.status === 'one_cycle') s.answer('CHEMO', '1', 'total_cycles', 1);
    return s;
  }
  const s = operatedPatient(opts);
  if (p.status === 'not_operated')
    s.answers('SURG', '1', { surgery_done: 'no', no_surgery_reason: 'Progression' });
  if (p.mriOffProtocol) s.answer('IMGEX', 'preop', 'dwi_b_values', [0, 500]);
  if (p.surgeryLate) s.answer('SURG', '1', 'surgery_date', '2019-10-30');

  const left: [string, Outcome][] = [];
  p.lesions.forEach((l, i) => {
    const key = `L${i + 1}`;
    s.answers('LES', key, LES[l.kind]);
    if (l.management === undefined) return;
    s.answers('IOLES', key, ioles(l.management));
    if (l.ceus !== undefined)
      s.answers('IOLES', key, {
        ceus_done: 'yes',
        ceus_visible: l.ceus === 'visible' ? 'yes' : 'no',
      });
    if (l.management === 'left_in_place') left.push([key, l.outcome]);
    if (l.management !== 'resected' || l.outcome === 'pending') return;
    if (l.outcome === 'not_identified') s.answers('PATH', key, NOT_IDENTIFIED);
    else s.answers('PATH', key, pathTrg(l.outcome === 'nonviable' ? 'TRG1' : 'TRG3'));
  });
  if (left.length > 0) {
    const at12: Record<string, string> = {};
    const at24: Record<string, string> = {};
    for (const [key, outcome] of left) {
      at12[key] = outcome === 'viable' ? 'yes' : 'no';
      at24[key] =
        outcome === 'viable' ? 'yes' : outcome === 'not_assessable' ? 'not_assessable' : 'no';
    }
    s.answers('FU', 'FU1', fuVisit(12, '2020-08-18', at12));
    for (const [key, outcome] of left)
      if (outcome === 'viable') s.answer('FU', 'FU1', `site_recurrence_date.${key}`, '2020-08-10');
    if (p.followUp === 'died')
      s.answers('EOS', '1', {
        last_contact_date: '2020-12-01',
        vital_status: 'dead',
        death_date: '2020-12-01',
        cause_of_death: 'colorectal_cancer',
        lost_to_follow_up: 'no',
        withdrawal: 'no',
      });
    else if (p.followUp === 'lost')
      s.answers('EOS', '1', {
        last_contact_date: '2020-08-18',
        vital_status: 'alive',
        lost_to_follow_up: 'yes',
        withdrawal: 'no',
      });
    else s.answers('FU', 'FU2', fuVisit(24, '2021-08-17', at24));
  }
  return s;
}

/** The 233 casebooks of the paper cohort. */
export function paperCohort(): Casebook[] {
  return paperCohortSpecs().map((p) => patientScenario(p).casebook());
}
