import type { Kysely } from 'kysely';
import { addDays, daysBetween } from '#schemas/study/dates';
import { DEFINITION_VERSION } from '#schemas/study/version';
import type {
  CreateSubjectOp,
  JsonValue,
  Op,
  OpResult,
  SetFieldOp,
  SetInstanceStateOp,
} from '#schemas/sync/protocol';
import { PUSH_MAX_OPS } from '#schemas/sync/protocol';
import { loadSessionUser } from '../db/queries/users';
import type { Database } from '../db/schema';
import { applyPush } from '../sync/push';

/**
 * A synthetic DREAM cohort for the demo study, so that a new user sees a living dashboard:
 * a few dozen patients across the demo sites with lesions of every class (cDLM, non-cDLM,
 * unconfirmed DLM, non-DLM, new), every management (resected, left in place, ablated) and
 * every truth (TRG1, TRG2–5, not identified, recurrence or not at 24 months, pending, not
 * evaluable), patients not enrolled or not operated, relapses and deaths. Deterministic
 * from its seed: the same seed gives the same patients, subject ids and op ids.
 *
 * It is entered the way real data are: the demo investigator of each site authors every
 * value as a sync op, and `applyPush` validates and applies them with their audit rows —
 * including a few corrections with a reason and a lesion entered in error.
 */

/** The data cut-off of the synthetic study: all dates are on or before it. */
export const COHORT_CUTOFF = '2024-06-30';

/** Who enters each site's patients (src/server/seed/demo-accounts.ts). */
export const COHORT_SITES: readonly { site: string; patients: number; authors: string[] }[] = [
  { site: 'FR01', patients: 10, authors: ['inv.fr01', 'coinv.fr01'] },
  { site: 'FR02', patients: 6, authors: ['pi.fr02'] },
  { site: 'AT01', patients: 5, authors: ['pi.at01'] },
  { site: 'BE01', patients: 5, authors: ['pi.be01'] },
  { site: 'US01', patients: 6, authors: ['pi.us01'] },
  { site: 'JP01', patients: 8, authors: ['inv.jp01'] },
];

export const DEFAULT_COHORT_SEED = 20_160_1;

type Values = Record<string, JsonValue>;

export interface CohortForm {
  readonly form: string;
  readonly instance: string;
  readonly values: Values;
}

export interface CohortPatient {
  readonly subjectId: string;
  readonly site: string;
  readonly author: string;
  /** Forms in the order an investigator fills them. */
  readonly forms: readonly CohortForm[];
  /** Values corrected after the first entry, with the reason (21 CFR 11.10(e)). */
  readonly corrections: readonly (CohortForm & { readonly reason: string })[];
  /** Instances entered, then marked entered in error. */
  readonly enteredInError: readonly (CohortForm & { readonly reason: string })[];
}

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A version-4 UUID drawn from `rand`, so that ids are reproducible from the seed. */
export function uuidFrom(rand: () => number): string {
  const b = Array.from({ length: 16 }, () => Math.floor(rand() * 256));
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

class Dice {
  constructor(private readonly rand: () => number) {}
  next(): number {
    return this.rand();
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.rand() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)] as T;
  }
  /** Exponential waiting time with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.rand());
  }
}

type LesionKind = 'cdlm' | 'non_cdlm' | 'dlm_unconfirmed' | 'non_dlm' | 'new';
type Management = 'resected' | 'left_in_place' | 'ablated';

interface PlannedLesion {
  key: string;
  kind: LesionKind;
  management: Management;
  /** Resected: TRG or not identified; left in place: month of recurrence at the site. */
  trg?: string;
  notIdentified?: boolean;
  recurrenceMonth?: number;
  notAssessable?: boolean;
}

const SEGMENTS = ['II', 'III', 'IVa', 'IVb', 'V', 'VI', 'VII', 'VIII'];
const FOLLOW_UP_MONTHS = [6, 12, 18, 24, 36];
const DAYS_PER_MONTH = 365.25 / 12;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function lesionForms(d: Dice, l: PlannedLesion, site: string, year: string, n: number) {
  const size = d.int(6, 45);
  const base = {
    lesion_no: l.key,
    segment: d.pick(SEGMENTS),
    largest_two: 'no',
    base_ct_visible: l.kind === 'new' ? 'no' : 'yes',
    ...(l.kind === 'new' ? {} : { base_ct_size_mm: size }),
    base_mri_visible: 'yes',
  };
  const seq = (v: string) => ({ preop_dwi: v, preop_t1: v, preop_t2: v, preop_ce: v });
  let les: Values;
  switch (l.kind) {
    case 'non_dlm':
      les = {
        ...base,
        preop_ct_visible: 'yes',
        preop_ct_size_mm: Math.max(3, Math.round(size * (0.3 + d.next() * 0.5))),
        ...seq('visible'),
        preop_adc: Math.round((0.9 + d.next() * 0.6) * 100) / 100,
      };
      break;
    case 'cdlm':
      les = { ...base, preop_ct_visible: 'no', ...seq('not_visible') };
      break;
    case 'non_cdlm': {
      const dw = d.chance(0.8);
      les = {
        ...base,
        preop_ct_visible: 'no',
        ...seq('not_visible'),
        ...(dw ? { preop_dwi: 'visible', preop_adc: 1.2 } : {}),
        ...(!dw || d.chance(0.4) ? { preop_ce: 'visible' } : {}),
      };
      break;
    }
    case 'dlm_unconfirmed':
      les = {
        ...base,
        preop_ct_visible: 'no',
        ...seq('not_visible'),
        [d.chance(0.5) ? 'preop_t1' : 'preop_t2']: 'not_done',
      };
      break;
    case 'new':
      les = { ...base, preop_ct_visible: 'no', ...seq('not_visible'), preop_dwi: 'visible' };
      break;
  }
  const isCdlm = l.kind === 'cdlm';
  const ceusDone = isCdlm ? d.chance(0.55) : d.chance(0.3);
  const ioles: Values = {
    ious_visible: d.chance(isCdlm ? 0.24 : l.kind === 'non_dlm' ? 0.95 : 0.58) ? 'yes' : 'no',
    ceus_done: ceusDone ? 'yes' : 'no',
    ...(ceusDone
      ? { ceus_visible: l.management === 'resected' && d.chance(0.4) ? 'yes' : 'no' }
      : {}),
    scar_or_calcified: d.chance(isCdlm ? 0.06 : 0.13) ? 'yes' : 'no',
    management: l.management,
  };
  let path: Values | undefined;
  if (l.management === 'resected' && (l.trg !== undefined || l.notIdentified)) {
    const found = !l.notIdentified;
    const at5 = found && d.chance(0.85);
    path = {
      specimen_id: `${site}-H${year}-${String(n).padStart(4, '0')}`,
      segment: les.segment as string,
      found_5mm: at5 ? 'yes' : 'no',
      ...(at5 ? {} : { found_1mm: found ? 'yes' : 'no' }),
      ...(found ? { trg: l.trg as string, max_diameter_mm: d.int(2, 30) } : {}),
    };
  }
  return { les, ioles, path };
}

/** One patient's forms, from registration to end of study. */
function generatePatient(
  d: Dice,
  site: string,
  index: number,
): Omit<CohortPatient, 'subjectId' | 'author' | 'site'> {
  const forms: CohortForm[] = [];
  const corrections: (CohortForm & { reason: string })[] = [];
  const enteredInError: (CohortForm & { reason: string })[] = [];
  const add = (form: string, instance: string, values: Values) =>
    forms.push({ form, instance, values });

  // Registration between 2017 and mid-2022 (later ones are still in follow-up at cut-off).
  const registration = addDays('2017-01-09', d.int(0, 1990));
  // Who leaves the study before surgery is fixed by position, so that every exit of the
  // STARD flow has patients whatever the seed.
  const notEligible = index % 16 === 5;
  const notEnrolled = index % 16 === 9;
  const notOperated = index % 24 === 13;
  const prospective = d.chance(0.6);
  const extrahepatic = d.chance(0.12);
  const reg: Values = {
    registration_date: registration,
    consent_date: addDays(registration, -d.int(0, 6)),
    cohort: prospective ? 'prospective' : 'during_chemo',
    ...(prospective ? {} : { ct_mri_during_chemo: 'yes' }),
    age_years: clamp(Math.round(60 + (d.next() + d.next() + d.next() - 1.5) * 20), 28, 84),
    sex: d.chance(0.6) ? 'male' : 'female',
    primary_location: d.pick(['right_colon', 'left_colon', 'left_colon', 'rectum']),
    ct_stage: d.pick(['T2', 'T3', 'T3', 'T4', 'T4', 'unknown']),
    cn_stage: d.pick(['N0', 'N1', 'N1', 'N2', 'unknown']),
    primary_resected: d.chance(0.58) ? 'yes' : 'no',
    extrahepatic_mets: extrahepatic ? 'yes' : 'no',
    ...(extrahepatic
      ? { extrahepatic_sites: [d.pick(['lung', 'lymph_nodes', 'peritoneum'])] }
      : {}),
    clm_diagnosis_date: addDays(registration, -d.int(7, 45)),
    ...(prospective ? { liver_mets_at_diagnosis: d.int(3, 16) } : {}),
    resectability_at_diagnosis: notEligible
      ? 'resectable'
      : d.chance(0.6)
        ? 'unresectable'
        : 'borderline',
    who_ps: d.chance(0.75) ? '0' : '1',
    kras: d.pick(['wild_type', 'wild_type', 'variant', 'unknown']),
    braf: d.pick(['wild_type', 'wild_type', 'variant', 'unknown']),
    msi: d.pick(['mss', 'mss', 'msi_high', 'unknown']),
    cea_ng_ml: Math.round(d.exp(40) * 10) / 10,
    ca19_9_u_ml: Math.round(d.exp(90) * 10) / 10,
  };
  add('REG', '1', reg);
  if (index % 9 === 4)
    corrections.push({
      form: 'REG',
      instance: '1',
      values: { age_years: (reg.age_years as number) + 1 },
      reason: 'Age at registration corrected against the source document',
    });
  if (notEligible) return { forms, corrections, enteredInError };

  const cycles = notEnrolled && index % 32 === 9 ? 1 : d.int(4, 14);
  const chemoStart = prospective
    ? addDays(registration, d.int(3, 12))
    : addDays(registration, -d.int(20, 40));
  const lastCycle = addDays(chemoStart, (cycles - 1) * 14);
  const regimen = d.pick([
    'doublet',
    'doublet_egfr',
    'doublet_egfr',
    'doublet_vegf',
    'triplet',
    'triplet_vegf',
  ]);
  add('CHEMO', '1', {
    first_regimen: regimen,
    chemo_start_date: chemoStart,
    total_cycles: cycles,
    last_cycle_date: lastCycle,
  });
  const offProtocol = d.chance(0.08);
  const mri = (preop: boolean): Values => ({
    mri_field_strength: d.chance(0.6) ? '3T' : '1.5T',
    t1_done: 'yes',
    t2_done: 'yes',
    dwi_done: 'yes',
    ce_done: 'yes',
    dwi_b_values: preop && offProtocol ? [0, 500] : d.chance(0.5) ? [0, 150, 800] : [50, 400, 1000],
    ce_agent: d.pick(['gd_eob_dtpa', 'gd_eob_dtpa', 'gd_bopta', 'extracellular_gd']),
  });
  const baseImaging = prospective
    ? addDays(chemoStart, -d.int(2, 8))
    : addDays(registration, -d.int(1, 5));
  add('IMGEX', 'baseline', {
    ct_date: baseImaging,
    mri_date: addDays(baseImaging, d.int(0, 3)),
    ...mri(false),
  });
  const preopCt = addDays(lastCycle, d.int(14, 28));
  const preopMri = addDays(preopCt, d.int(0, 5));
  add('IMGEX', 'preop', { ct_date: preopCt, mri_date: preopMri, ...mri(true) });
  const mdtNo = notEnrolled && cycles >= 2;
  const planned = addDays(preopMri, d.int(18, 40));
  add('ENROL', '1', {
    mdt_date: addDays(preopMri, 3),
    mdt_resectable: mdtNo ? 'no' : 'yes',
    enrolment_date: addDays(preopMri, 4),
    surgery_planned_date: planned,
  });

  // Lesions: imaging findings exist for every patient who reached enrolment.
  const operated = !notEnrolled && !notOperated;
  const withDlm = d.chance(0.72);
  const count = d.int(2, 6);
  const planned_lesions: PlannedLesion[] = [];
  const nonviableBias = d.next() - 0.5; // lesions of one patient tend to share their fate
  const usedEnd = d.chance(0.5);
  for (let i = 0; i < count; i++) {
    const r = d.next();
    const kind: LesionKind = !withDlm
      ? r < 0.95
        ? 'non_dlm'
        : 'new'
      : r < 0.4
        ? 'non_dlm'
        : r < 0.8
          ? 'cdlm'
          : r < 0.93
            ? 'non_cdlm'
            : r < 0.98
              ? 'dlm_unconfirmed'
              : 'new';
    let management: Management;
    const m = d.next();
    if (kind === 'cdlm') management = m < 0.5 ? 'resected' : m < 0.93 ? 'left_in_place' : 'ablated';
    else if (kind === 'non_dlm') management = m < 0.9 ? 'resected' : 'ablated';
    else management = m < 0.85 ? 'resected' : m < 0.95 ? 'left_in_place' : 'ablated';
    const l: PlannedLesion = { key: `L${i + 1}`, kind, management };
    if (management === 'resected') {
      const pNonviable = clamp(
        (kind === 'cdlm' ? 0.57 : kind === 'non_dlm' ? 0.1 : 0.31) + nonviableBias * 0.6,
        0.02,
        0.95,
      );
      if (d.chance(pNonviable)) {
        if (kind !== 'non_dlm' && d.chance(0.1)) l.notIdentified = true;
        else l.trg = 'TRG1';
      } else l.trg = d.pick(['TRG2', 'TRG3', 'TRG3', 'TRG4', 'TRG5']);
    } else if (management === 'left_in_place') {
      const pRecurs = clamp(0.3 - nonviableBias * 0.5, 0.03, 0.9);
      if (d.chance(pRecurs)) l.recurrenceMonth = d.pick([3, 6, 6, 12, 12, 18, 24]);
      else if (d.chance(0.04)) l.notAssessable = true;
    }
    planned_lesions.push(l);
  }
  const lesionNo = index * 10;
  const year = registration.slice(2, 4);
  const built = planned_lesions.map((l, i) => ({
    l,
    ...lesionForms(d, l, site, year, lesionNo + i),
  }));
  // The two largest at baseline are flagged, as the CRF asks.
  const bySize = built
    .map((b, i) => [i, (b.les.base_ct_size_mm as number | undefined) ?? 0] as const)
    .sort((a, b) => b[1] - a[1]);
  for (const [i] of bySize.slice(0, 2))
    (built[i] as (typeof built)[number]).les.largest_two = 'yes';
  for (const b of built) add('LES', b.l.key, b.les);
  if (index % 11 === 7) {
    const key = `L${count + 1}`;
    enteredInError.push({
      form: 'LES',
      instance: key,
      values: { lesion_no: key, segment: built[0]?.les.segment ?? 'VII', base_ct_visible: 'yes' },
      reason: `Duplicate of ${built[0]?.l.key ?? 'L1'}: the same lesion entered twice`,
    });
  }

  if (!operated) {
    if (notOperated)
      add('SURG', '1', {
        surgery_done: 'no',
        no_surgery_reason: 'Disease progression before the planned surgery',
      });
    return { forms, corrections, enteredInError };
  }

  const late = d.chance(0.08);
  const surgery = late ? addDays(preopMri, d.int(60, 80)) : planned;
  const margin = d.next() < 0.74 ? 'R0' : d.next() < 0.8 ? 'R1' : 'R2';
  const ablation = built.some((b) => b.l.management === 'ablated');
  const twoStage = d.chance(0.06);
  const adjuvant = d.chance(0.42);
  const early = d.pick(['none', 'none', 'none', 'I', 'II', 'II', 'IIIa', 'IIIb']);
  add('SURG', '1', {
    surgery_done: 'yes',
    surgery_date: surgery,
    two_stage: twoStage ? 'yes' : 'no',
    ...(twoStage ? { second_stage_date: addDays(surgery, d.int(35, 60)) } : {}),
    ablation_used: ablation ? 'yes' : 'no',
    resection_margin: margin,
    extrahepatic_at_surgery: extrahepatic && d.chance(0.6) ? 'yes' : 'no',
    cd_grade_early: early,
    cd_grade_late: d.chance(0.9) ? 'none' : 'II',
    adjuvant_chemo: adjuvant ? 'yes' : 'no',
    ...(adjuvant ? { adjuvant_oxaliplatin: d.chance(0.8) ? 'yes' : 'no' } : {}),
  });
  // Pathology arrives some weeks after surgery: not yet for a patient operated just before
  // the cut-off.
  const pathologyIn = daysBetween(surgery, COHORT_CUTOFF) > 30;
  for (const b of built) {
    add('IOLES', b.l.key, b.ioles);
    if (b.path && pathologyIn) add('PATH', b.l.key, b.path);
  }

  // Follow-up: a relapse elsewhere (DFS), death after relapse (OS), or loss to follow-up.
  const day = (months: number) => Math.round(months * DAYS_PER_MONTH);
  const left = built.filter((b) => b.l.management === 'left_in_place').map((b) => b.l);
  const firstSite = Math.min(...left.map((l) => l.recurrenceMonth ?? Number.POSITIVE_INFINITY));
  const relapseDays = Math.round(d.exp(14 * DAYS_PER_MONTH)) + 20;
  const relapseKind = d.chance(0.6) ? 'liver' : 'extrahepatic';
  const relapsed = relapseDays < day(firstSite) ? relapseDays : undefined;
  const anyRelapse = relapsed !== undefined || Number.isFinite(firstSite);
  const firstEvent = Math.min(relapsed ?? Number.POSITIVE_INFINITY, day(firstSite));
  const deathDays = anyRelapse
    ? firstEvent + Math.round(d.exp(26 * DAYS_PER_MONTH)) + 30
    : d.chance(0.05)
      ? Math.round(d.exp(30 * DAYS_PER_MONTH)) + 60
      : Number.POSITIVE_INFINITY;
  const lostDays = d.chance(0.05) ? d.int(200, 900) : Number.POSITIVE_INFINITY;
  const cutoffDays = daysBetween(surgery, COHORT_CUTOFF);
  let lastVisit: string | undefined;
  let visitNo = 0;
  for (const month of FOLLOW_UP_MONTHS) {
    const t = day(month) + d.int(-7, 7);
    if (t > cutoffDays || t >= deathDays || t >= lostDays) break;
    const date = addDays(surgery, t);
    const mandatory = month === 24;
    const site: Values = {};
    const siteDates: Values = {};
    for (const l of left) {
      const recurred = l.recurrenceMonth !== undefined && l.recurrenceMonth <= month;
      site[l.key] = recurred ? 'yes' : mandatory && l.notAssessable ? 'not_assessable' : 'no';
      if (recurred) siteDates[l.key] = addDays(surgery, day(l.recurrenceMonth as number) - 10);
    }
    const otherRelapse = relapsed !== undefined && relapsed <= t;
    visitNo++;
    add('FU', `FU${visitNo}`, {
      visit_month: month,
      visit_date: date,
      ct_done: 'yes',
      mri_done: mandatory || month === 12 || d.chance(0.5) ? 'yes' : 'no',
      ...(left.length > 0 ? { site_recurrence: site } : {}),
      ...(Object.keys(siteDates).length > 0 ? { site_recurrence_date: siteDates } : {}),
      liver_recurrence_other: otherRelapse && relapseKind === 'liver' ? 'yes' : 'no',
      ...(otherRelapse && relapseKind === 'liver'
        ? { liver_recurrence_other_date: addDays(surgery, relapsed) }
        : {}),
      extrahepatic_progression: otherRelapse && relapseKind === 'extrahepatic' ? 'yes' : 'no',
      ...(otherRelapse && relapseKind === 'extrahepatic'
        ? { extrahepatic_progression_date: addDays(surgery, relapsed) }
        : {}),
      vital_status: 'alive',
    });
    lastVisit = date;
  }
  if (deathDays <= cutoffDays && deathDays < lostDays) {
    const death = addDays(surgery, deathDays);
    add('EOS', '1', {
      last_contact_date: death,
      vital_status: 'dead',
      death_date: death,
      cause_of_death: d.chance(0.85) ? 'colorectal_cancer' : 'other',
      lost_to_follow_up: 'no',
      withdrawal: 'no',
    });
  } else if (lostDays <= cutoffDays) {
    add('EOS', '1', {
      last_contact_date: lastVisit ?? surgery,
      vital_status: 'alive',
      lost_to_follow_up: 'yes',
      withdrawal: 'no',
    });
  } else if (visitNo === FOLLOW_UP_MONTHS.length && usedEnd) {
    add('EOS', '1', {
      last_contact_date: lastVisit ?? surgery,
      vital_status: 'alive',
      lost_to_follow_up: 'no',
      withdrawal: 'no',
    });
  }
  return { forms, corrections, enteredInError };
}

/**
 * The synthetic cohort: the same seed always gives the same patients and ids. `scale`
 * multiplies the patients per site (benchmarks run a 400-patient study with scale 10).
 */
export function generateCohort(seed = DEFAULT_COHORT_SEED, scale = 1): CohortPatient[] {
  const d = new Dice(prng(seed));
  const ids = prng(seed ^ 0x5eed);
  const out: CohortPatient[] = [];
  let index = 0;
  for (const { site, patients, authors } of COHORT_SITES)
    for (let i = 0; i < patients * scale; i++) {
      out.push({
        subjectId: uuidFrom(ids),
        site,
        author: authors[i % authors.length] as string,
        ...generatePatient(d, site, index),
      });
      index++;
    }
  return out;
}

/** One set_field op per path: per-lesion maps become `key.L3` paths, as a device sends them. */
export function fieldPaths(values: Values): [string, JsonValue][] {
  const out: [string, JsonValue][] = [];
  for (const [key, value] of Object.entries(values)) {
    const perLesion = key === 'site_recurrence' || key === 'site_recurrence_date';
    if (perLesion && typeof value === 'object' && value !== null && !Array.isArray(value))
      for (const [lesion, v] of Object.entries(value)) out.push([`${key}.${lesion}`, v]);
    else out.push([key, value]);
  }
  return out;
}

/** UTC offset in minutes of a zone at an instant (for the ops' capture time). */
function offsetMinutes(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name ?? '');
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function localIso(at: Date, offsetMin: number): string {
  const local = new Date(at.getTime() + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export interface CohortSeedResult {
  patients: number;
  ops: number;
  ms: number;
}

/**
 * Enters the cohort through the sync push, one device per investigator, in batches of at
 * most PUSH_MAX_OPS. Every op must be applied: anything else is a bug in the generator and
 * aborts the seed. Call it on a database whose demo accounts were just seeded.
 */
export async function seedDemoCohort(
  db: Kysely<Database>,
  opts: { seed?: number; now?: Date; scale?: number } = {},
): Promise<CohortSeedResult> {
  const started = performance.now();
  const seed = opts.seed ?? DEFAULT_COHORT_SEED;
  const now = opts.now ?? new Date();
  const patients = generateCohort(seed, opts.scale ?? 1);
  const ids = prng(seed ^ 0x0b5);

  const zones = new Map(
    (await db.selectFrom('sites').select(['code', 'timezone']).execute()).map((s) => [
      s.code,
      s.timezone,
    ]),
  );
  const usernames = [...new Set(patients.map((p) => p.author))];
  const users = await db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('username', 'in', usernames)
    .execute();
  const idOf = new Map(users.map((u) => [u.username, u.id]));

  let total = 0;
  for (const username of usernames) {
    const userId = idOf.get(username);
    const user = userId === undefined ? undefined : await loadSessionUser(db, userId);
    if (!user) throw new Error(`Demo cohort: investigator ${username} is missing`);
    const deviceId = uuidFrom(ids);
    const mine = patients.filter((p) => p.author === username);
    // Capture times: a data-entry session ending now, a few seconds per value.
    let clock = now.getTime() - 3 * 3600_000;
    const offsets = new Map<string, number>();
    const common = (site: string) => {
      clock += 1500;
      const at = new Date(clock);
      let offset = offsets.get(site);
      if (offset === undefined) {
        offset = offsetMinutes(zones.get(site) ?? 'UTC', at);
        offsets.set(site, offset);
      }
      return {
        opId: uuidFrom(ids),
        authorId: user.id,
        deviceId,
        clientTime: localIso(at, offset),
        clientTzOffsetMin: offset,
        defVersion: DEFINITION_VERSION,
      };
    };
    const first: Op[] = [];
    const later: { op: () => Op; after: string }[] = [];
    for (const p of mine) {
      const create: CreateSubjectOp = {
        kind: 'create_subject',
        ...common(p.site),
        subjectId: p.subjectId,
        siteCode: p.site,
        provisionalLabel: `${p.site}-P${p.subjectId.slice(0, 5).toUpperCase()}`,
      };
      first.push(create);
      const set = (f: CohortForm, path: string, value: JsonValue): SetFieldOp => ({
        kind: 'set_field',
        ...common(p.site),
        subjectId: p.subjectId,
        form: f.form,
        instance: f.instance,
        path,
        value,
        baseRev: 0,
        reason: null,
      });
      for (const f of [...p.forms, ...p.enteredInError])
        for (const [path, value] of fieldPaths(f.values)) first.push(set(f, path, value));
      for (const f of p.enteredInError) {
        const op: SetInstanceStateOp = {
          kind: 'set_instance_state',
          ...common(p.site),
          subjectId: p.subjectId,
          form: f.form,
          instance: f.instance,
          state: 'entered_in_error',
          reason: f.reason,
        };
        first.push(op);
      }
      for (const c of p.corrections)
        for (const [path, value] of fieldPaths(c.values)) {
          const original = first.find(
            (o) =>
              o.kind === 'set_field' &&
              o.subjectId === p.subjectId &&
              o.form === c.form &&
              o.instance === c.instance &&
              o.path === path,
          );
          if (!original) throw new Error(`Demo cohort: nothing to correct at ${c.form}.${path}`);
          later.push({
            after: original.opId,
            op: () => ({ ...set(c, path, value), reason: c.reason }),
          });
        }
    }
    const revs = new Map<string, number>();
    const push = async (ops: Op[]) => {
      for (let i = 0; i < ops.length; i += PUSH_MAX_OPS) {
        const batch = ops.slice(i, i + PUSH_MAX_OPS);
        const results: OpResult[] = await applyPush(db, batch, {
          user,
          deviceId,
          deviceTime: new Date(clock).toISOString(),
          now,
        });
        for (const r of results) {
          if (r.status !== 'applied' && r.status !== 'duplicate')
            throw new Error(`Demo cohort: op ${r.opId} ${r.status}: ${r.message ?? r.error}`);
          if (r.rev !== undefined) revs.set(r.opId, r.rev);
        }
        total += batch.length;
      }
    };
    await push(first);
    await push(
      later.map(({ op, after }) => {
        const o = op() as SetFieldOp;
        return { ...o, baseRev: revs.get(after) ?? 0 };
      }),
    );
  }
  return { patients: patients.length, ops: total, ms: Math.round(performance.now() - started) };
}
