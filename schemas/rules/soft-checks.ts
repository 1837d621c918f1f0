import { evaluateCondition } from '../study/conditions';
import { daysBetween, formatDate } from '../study/dates';
import { fieldLabel } from '../study/definition';
import { MANDATORY_VISIT_MONTH } from '../study/forms/fu';
import { LESION_FOUND } from '../study/forms/path';
import { ONCE_INSTANCE } from '../study/instances';
import type { FormKey } from '../study/keys';
import { SOFT_CHECKS, type SoftCheckId } from '../study/soft-checks';
import { type Casebook, leftInPlaceLesions } from './casebook';
import { MIN_CYCLES } from './eligibility';
import {
  latestImagingDate,
  MIN_B_VALUES,
  MIN_HIGHEST_B_VALUE,
  SURGERY_WINDOW_DAYS,
} from './imaging';

/** A soft-check failure: where it attaches and what it says. */
export interface SoftCheckFailure {
  readonly checkId: SoftCheckId;
  readonly form: FormKey;
  readonly instance: string;
  /** The field path (`key` or `key.L3`). */
  readonly path: string;
  readonly message: string;
}

/** Facts several checks share, computed once per evaluation. */
interface Facts {
  readonly leftInPlace: ReadonlySet<string>;
  readonly management: ReadonlyMap<string, string | undefined>;
  readonly surgeryDate: string | undefined;
  /** The follow-up visit with the latest date, if any. */
  readonly lastVisit: { readonly instance: string; readonly date: string } | undefined;
}

type Fail = (instance: string, message: string, path?: string) => void;
type Evaluator = (cb: Casebook, facts: Facts, fail: Fail) => void;

const L = fieldLabel;
const D = formatDate;

/** Message for a date that should not be after another. */
function notAfter(
  form: FormKey,
  key: string,
  date: string,
  otherForm: FormKey,
  otherKey: string,
  other: string,
) {
  return `${L(form, key)} (${D(date)}) is after ${L(otherForm, otherKey)} (${D(other)})`;
}

function windowMessage(form: FormKey, key: string, date: string, latest: string): string {
  const days = daysBetween(latest, date);
  const at = `${L(form, key)} (${D(date)})`;
  if (days < 0) return `${at} is before the latest pre-operative imaging (${D(latest)}).`;
  return `${at} is ${days} days after the latest pre-operative imaging (${D(latest)}); at most ${SURGERY_WINDOW_DAYS} days are allowed.`;
}

/** An event date recorded at a visit must be after surgery and on or before the visit. */
function eventDateOrder(
  label: string,
  date: string,
  visitDate: string | undefined,
  surgeryDate: string | undefined,
): string | undefined {
  if (surgeryDate !== undefined && date <= surgeryDate)
    return `${label} (${D(date)}) must be after ${L('SURG', 'surgery_date')} (${D(surgeryDate)}).`;
  if (visitDate !== undefined && date > visitDate)
    return `${label} (${D(date)}) is after ${L('FU', 'visit_date')} (${D(visitDate)}).`;
  return undefined;
}

const EVALUATORS: Record<SoftCheckId, Evaluator> = {
  SC_CONSENT_BEFORE_REG: (cb, _f, fail) => {
    const v = cb.REG?.values;
    if (v?.consent_date && v.registration_date && v.consent_date > v.registration_date)
      fail(
        ONCE_INSTANCE,
        `${notAfter('REG', 'consent_date', v.consent_date, 'REG', 'registration_date', v.registration_date)}: consent must be given before any study procedure.`,
      );
  },
  SC_DIAGNOSIS_BEFORE_REG: (cb, _f, fail) => {
    const v = cb.REG?.values;
    if (v?.clm_diagnosis_date && v.registration_date && v.clm_diagnosis_date > v.registration_date)
      fail(
        ONCE_INSTANCE,
        `${notAfter('REG', 'clm_diagnosis_date', v.clm_diagnosis_date, 'REG', 'registration_date', v.registration_date)}.`,
      );
  },
  SC_CT_MRI_DURING_CHEMO: (cb, _f, fail) => {
    const v = cb.REG?.values;
    if (v?.cohort === 'during_chemo' && v.ct_mri_during_chemo === 'no')
      fail(
        ONCE_INSTANCE,
        `${L('REG', 'ct_mri_during_chemo')}: no — a patient registered after chemotherapy started must have had CT and multiparametric MRI during chemotherapy (not eligible).`,
      );
  },
  SC_RESECTABLE_AT_DIAGNOSIS: (cb, _f, fail) => {
    if (cb.REG?.values.resectability_at_diagnosis === 'resectable')
      fail(
        ONCE_INSTANCE,
        `${L('REG', 'resectability_at_diagnosis')}: resectable — not eligible (must be unresectable or borderline).`,
      );
  },
  SC_WHO_PS_ABOVE_1: (cb, _f, fail) => {
    const ps = cb.REG?.values.who_ps;
    if (ps !== undefined && ps !== '0' && ps !== '1')
      fail(ONCE_INSTANCE, `${L('REG', 'who_ps')}: ${ps} — not eligible (must be 0 or 1).`);
  },
  SC_LAST_CYCLE_BEFORE_START: (cb, _f, fail) => {
    const v = cb.CHEMO?.values;
    if (v?.last_cycle_date && v.chemo_start_date && v.last_cycle_date < v.chemo_start_date)
      fail(
        ONCE_INSTANCE,
        `${L('CHEMO', 'last_cycle_date')} (${D(v.last_cycle_date)}) is before ${L('CHEMO', 'chemo_start_date')} (${D(v.chemo_start_date)}).`,
      );
  },
  SC_CYCLES_BELOW_2: (cb, _f, fail) => {
    const n = cb.CHEMO?.values.total_cycles;
    if (n !== undefined && n < MIN_CYCLES && (cb.ENROL?.answered ?? 0) > 0)
      fail(
        ONCE_INSTANCE,
        `${L('CHEMO', 'total_cycles')}: ${n} at enrolment; at least ${MIN_CYCLES} cycles are required.`,
      );
  },
  SC_DWI_PROTOCOL: (cb, _f, fail) => {
    for (const inst of ['baseline', 'preop'] as const) {
      const b = cb.IMGEX[inst]?.values.dwi_b_values;
      if (b && (b.length < MIN_B_VALUES || Math.max(...b) < MIN_HIGHEST_B_VALUE))
        fail(
          inst,
          `${L('IMGEX', 'dwi_b_values')}: ${b.join(', ')} — the protocol requires at least ${MIN_B_VALUES} b-values, the highest ≥ ${MIN_HIGHEST_B_VALUE} s/mm².`,
        );
    }
  },
  SC_ENROL_BEFORE_REG: (cb, _f, fail) => {
    const e = cb.ENROL?.values.enrolment_date;
    const r = cb.REG?.values.registration_date;
    if (e && r && e < r)
      fail(
        ONCE_INSTANCE,
        `${L('ENROL', 'enrolment_date')} (${D(e)}) is before ${L('REG', 'registration_date')} (${D(r)}).`,
      );
  },
  SC_MDT_NOT_RESECTABLE: (cb, _f, fail) => {
    if (cb.ENROL?.values.mdt_resectable === 'no')
      fail(
        ONCE_INSTANCE,
        `${L('ENROL', 'mdt_resectable')}: no — the patient must be resectable according to the multidisciplinary team to be enrolled.`,
      );
  },
  SC_PLANNED_SURGERY_WINDOW: (cb, _f, fail) => {
    const planned = cb.ENROL?.values.surgery_planned_date;
    const latest = latestImagingDate(cb.IMGEX.preop?.values);
    if (planned && latest) {
      const days = daysBetween(latest, planned);
      if (days < 0 || days > SURGERY_WINDOW_DAYS)
        fail(ONCE_INSTANCE, windowMessage('ENROL', 'surgery_planned_date', planned, latest));
    }
  },
  SC_SURGERY_BEFORE_ENROL: (cb, f, fail) => {
    const e = cb.ENROL?.values.enrolment_date;
    if (f.surgeryDate && e && f.surgeryDate < e)
      fail(
        ONCE_INSTANCE,
        `${L('SURG', 'surgery_date')} (${D(f.surgeryDate)}) is before ${L('ENROL', 'enrolment_date')} (${D(e)}).`,
      );
  },
  SC_PREOP_IMAGING_OVER_56_DAYS: (cb, f, fail) => {
    const latest = latestImagingDate(cb.IMGEX.preop?.values);
    if (f.surgeryDate && latest) {
      const days = daysBetween(latest, f.surgeryDate);
      if (days < 0 || days > SURGERY_WINDOW_DAYS)
        fail(ONCE_INSTANCE, windowMessage('SURG', 'surgery_date', f.surgeryDate, latest));
    }
  },
  SC_SECOND_STAGE_BEFORE_FIRST: (cb, f, fail) => {
    const second = cb.SURG?.values.second_stage_date;
    if (second && f.surgeryDate && second <= f.surgeryDate)
      fail(
        ONCE_INSTANCE,
        `${L('SURG', 'second_stage_date')} (${D(second)}) must be after ${L('SURG', 'surgery_date')} (${D(f.surgeryDate)}).`,
      );
  },
  SC_BASE_CT_SIZE_NOT_VISIBLE: (cb, _f, fail) => {
    for (const l of cb.lesions) {
      const v = l.LES?.values;
      if (v?.base_ct_size_mm !== undefined && v.base_ct_visible === 'no')
        fail(
          l.lesion,
          `${L('LES', 'base_ct_size_mm')}: ${v.base_ct_size_mm} given, but ${L('LES', 'base_ct_visible')} is no.`,
        );
    }
  },
  SC_PREOP_CT_SIZE_NOT_VISIBLE: (cb, _f, fail) => {
    for (const l of cb.lesions) {
      const v = l.LES?.values;
      if (v?.preop_ct_size_mm !== undefined && v.preop_ct_visible === 'no')
        fail(
          l.lesion,
          `${L('LES', 'preop_ct_size_mm')}: ${v.preop_ct_size_mm} given, but ${L('LES', 'preop_ct_visible')} is no.`,
        );
    }
  },
  SC_ADC_NOT_VISIBLE_ON_DWI: (cb, _f, fail) => {
    for (const l of cb.lesions) {
      const v = l.LES?.values;
      if (v?.preop_adc !== undefined && v.preop_dwi !== undefined && v.preop_dwi !== 'visible')
        fail(
          l.lesion,
          `${L('LES', 'preop_adc')}: ${v.preop_adc} given, but ${L('LES', 'preop_dwi')} is ${v.preop_dwi}.`,
        );
    }
  },
  SC_CEUS_VISIBLE_WITHOUT_CEUS: (cb, _f, fail) => {
    for (const l of cb.lesions) {
      const v = l.IOLES?.values;
      if (v?.ceus_visible !== undefined && v.ceus_done !== 'yes')
        fail(
          l.lesion,
          `${L('IOLES', 'ceus_visible')}: answered, but ${L('IOLES', 'ceus_done')} is ${v.ceus_done ?? 'not answered'}.`,
        );
    }
  },
  SC_PATH_NOT_RESECTED: (cb, _f, fail) => {
    for (const l of cb.lesions) {
      const m = l.IOLES?.values.management;
      if (l.PATH && m !== undefined && m !== 'resected')
        fail(
          l.lesion,
          `Pathology recorded for lesion ${l.lesion}, whose ${L('IOLES', 'management')} is ${m}: pathology is for resected lesions only.`,
        );
    }
  },
  SC_TRG_MISSING: (cb, _f, fail) => {
    for (const l of cb.lesions) {
      const v = l.PATH?.values;
      if (v && v.trg === undefined && evaluateCondition(LESION_FOUND, v))
        fail(
          l.lesion,
          `${L('PATH', 'trg')}: missing for lesion ${l.lesion}, found at ${v.found_5mm === 'yes' ? '5-mm' : '1-mm'} sectioning.`,
        );
    }
  },
  SC_FU_BEFORE_SURGERY: (cb, f, fail) => {
    for (const v of cb.FU) {
      const d = v.values.visit_date;
      if (d && f.surgeryDate && d <= f.surgeryDate)
        fail(
          v.instance,
          `${L('FU', 'visit_date')} (${D(d)}) must be after ${L('SURG', 'surgery_date')} (${D(f.surgeryDate)}).`,
        );
    }
  },
  SC_FU24_NO_CT: (cb, _f, fail) => {
    for (const v of cb.FU)
      if (v.values.visit_month === MANDATORY_VISIT_MONTH && v.values.ct_done === 'no')
        fail(v.instance, `${L('FU', 'ct_done')}: no at the 24-month visit, where CT is mandatory.`);
  },
  SC_FU24_NO_MRI: (cb, _f, fail) => {
    for (const v of cb.FU)
      if (v.values.visit_month === MANDATORY_VISIT_MONTH && v.values.mri_done === 'no')
        fail(
          v.instance,
          `${L('FU', 'mri_done')}: no at the 24-month visit, where MRI is mandatory.`,
        );
  },
  SC_FU24_DUPLICATE: (cb, _f, fail) => {
    let first: string | undefined;
    for (const v of cb.FU) {
      if (v.values.visit_month !== MANDATORY_VISIT_MONTH) continue;
      if (first === undefined) first = v.instance;
      else
        fail(
          v.instance,
          `${L('FU', 'visit_month')}: 24 is already the month of ${first}; only one visit can be the 24-month visit.`,
        );
    }
  },
  SC_SITE_ANSWER_MISSING: (cb, f, fail) => {
    for (const v of cb.FU)
      for (const lesion of f.leftInPlace)
        if (v.values.site_recurrence?.[lesion] === undefined)
          fail(
            v.instance,
            `${L('FU', 'site_recurrence')}: no answer for lesion ${lesion}, left in place at surgery.`,
            `site_recurrence.${lesion}`,
          );
  },
  SC_SITE_ANSWER_NOT_LEFT_IN_PLACE: (cb, f, fail) => {
    for (const v of cb.FU) {
      const sites = v.values.site_recurrence;
      for (const lesion in sites)
        if (!f.leftInPlace.has(lesion)) {
          const m = f.management.get(lesion);
          const why = f.management.has(lesion)
            ? `its management at surgery is ${m ?? 'not recorded'}`
            : 'there is no such lesion';
          fail(
            v.instance,
            `${L('FU', 'site_recurrence')}: answered for lesion ${lesion}, but ${why}; the question is for lesions left in place.`,
            `site_recurrence.${lesion}`,
          );
        }
    }
  },
  SC_SITE_RECURRENCE_DATE_ORDER: (cb, f, fail) => {
    for (const v of cb.FU) {
      const dates = v.values.site_recurrence_date;
      for (const lesion in dates) {
        const label = `${L('FU', 'site_recurrence_date')} for ${lesion}`;
        const msg = eventDateOrder(
          label,
          dates[lesion] as string,
          v.values.visit_date,
          f.surgeryDate,
        );
        if (msg) fail(v.instance, msg, `site_recurrence_date.${lesion}`);
      }
    }
  },
  SC_OTHER_RECURRENCE_DATE_ORDER: (cb, f, fail) => {
    for (const v of cb.FU) {
      const d = v.values.liver_recurrence_other_date;
      const msg =
        d &&
        eventDateOrder(
          L('FU', 'liver_recurrence_other_date'),
          d,
          v.values.visit_date,
          f.surgeryDate,
        );
      if (msg) fail(v.instance, msg);
    }
  },
  SC_EXTRAHEPATIC_DATE_ORDER: (cb, f, fail) => {
    for (const v of cb.FU) {
      const d = v.values.extrahepatic_progression_date;
      const msg =
        d &&
        eventDateOrder(
          L('FU', 'extrahepatic_progression_date'),
          d,
          v.values.visit_date,
          f.surgeryDate,
        );
      if (msg) fail(v.instance, msg);
    }
  },
  SC_DEATH_BEFORE_LAST_VISIT: (cb, f, fail) => {
    const last = f.lastVisit;
    for (const v of cb.FU) {
      const d = v.values.death_date;
      if (d && last && d < last.date)
        fail(
          v.instance,
          `${L('FU', 'death_date')} (${D(d)}) is before the latest follow-up visit (${last.instance}, ${D(last.date)}).`,
        );
    }
  },
  SC_EOS_DEATH_BEFORE_LAST_VISIT: (cb, f, fail) => {
    const d = cb.EOS?.values.death_date;
    const last = f.lastVisit;
    if (d && last && d < last.date)
      fail(
        ONCE_INSTANCE,
        `${L('EOS', 'death_date')} (${D(d)}) is before the latest follow-up visit (${last.instance}, ${D(last.date)}).`,
      );
  },
  SC_LAST_CONTACT_BEFORE_LAST_VISIT: (cb, f, fail) => {
    const d = cb.EOS?.values.last_contact_date;
    const last = f.lastVisit;
    if (d && last && d < last.date)
      fail(
        ONCE_INSTANCE,
        `${L('EOS', 'last_contact_date')} (${D(d)}) is before the latest follow-up visit (${last.instance}, ${D(last.date)}).`,
      );
  },
  SC_VITAL_STATUS_CONFLICT: (cb, _f, fail) => {
    if (cb.EOS?.values.vital_status !== 'alive') return;
    const dead = cb.FU.find((v) => v.values.vital_status === 'dead');
    if (dead)
      fail(
        ONCE_INSTANCE,
        `${L('EOS', 'vital_status')}: alive, but ${dead.instance} recorded the patient as dead.`,
      );
  },
};

function factsOf(cb: Casebook): Facts {
  const management = new Map<string, string | undefined>();
  for (const l of cb.lesions) management.set(l.lesion, l.IOLES?.values.management);
  let lastVisit: Facts['lastVisit'];
  for (const v of cb.FU) {
    const d = v.values.visit_date;
    if (d && (!lastVisit || d > lastVisit.date)) lastVisit = { instance: v.instance, date: d };
  }
  const s = cb.SURG?.values;
  return {
    leftInPlace: new Set(leftInPlaceLesions(cb)),
    management,
    surgeryDate: s?.surgery_done === 'no' ? undefined : s?.surgery_date,
    lastVisit,
  };
}

/**
 * Evaluate every soft check of the definition over a casebook: the failures, in check
 * order then instance order, each with its check id, form, instance, path and message.
 */
export function evaluateSoftChecks(cb: Casebook): SoftCheckFailure[] {
  const facts = factsOf(cb);
  const out: SoftCheckFailure[] = [];
  for (const def of SOFT_CHECKS) {
    const fail: Fail = (instance, message, path = def.path) =>
      out.push({ checkId: def.id, form: def.form, instance, path, message });
    EVALUATORS[def.id](cb, facts, fail);
  }
  return out;
}
