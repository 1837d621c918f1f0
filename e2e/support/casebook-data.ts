import {
  CHEMO_DONE,
  IMGEX_BASELINE,
  IMGEX_PREOP,
  REG_ELIGIBLE,
} from '../../schemas/testing/presets';
import type { Answers } from './casebook';

/**
 * One complete patient for the offline casebook test: eligible, operated on 20-AUG-2019
 * (29 days after the latest pre-operative imaging), six lesions covering every class, a
 * 24-month visit. Expected panel classes are written beside each lesion.
 */

export const REG: Answers = REG_ELIGIBLE;
export const CHEMO: Answers = CHEMO_DONE;
export { IMGEX_BASELINE, IMGEX_PREOP };

export const SURG: Answers = {
  surgery_done: 'yes',
  surgery_date: '2019-08-20',
  two_stage: 'no',
  ablation_used: 'yes',
  resection_margin: 'R0',
  extrahepatic_at_surgery: 'no',
  cd_grade_early: 'none',
  cd_grade_late: 'II',
  adjuvant_chemo: 'no',
};

const hidden = {
  preop_dwi: 'not_visible',
  preop_t1: 'not_visible',
  preop_t2: 'not_visible',
  preop_ce: 'not_visible',
};

export interface LesionCase {
  readonly les: Answers;
  readonly ioles: Answers;
  readonly path?: Answers;
  /** What the panel must say. */
  readonly panel: string;
}

const ioles = (management: string): Answers => ({
  ious_visible: 'no',
  ceus_done: 'no',
  scar_or_calcified: 'no',
  management,
});

export const LESIONS: readonly LesionCase[] = [
  {
    panel: 'Non-DLM',
    les: {
      segment: 'VII',
      largest_two: 'yes',
      base_ct_visible: 'yes',
      base_ct_size_mm: 25,
      base_mri_visible: 'yes',
      preop_ct_visible: 'yes',
      preop_ct_size_mm: 18,
      preop_dwi: 'visible',
      preop_t1: 'visible',
      preop_t2: 'visible',
      preop_ce: 'visible',
      preop_adc: 1.1,
    },
    ioles: { ...ioles('resected'), ious_visible: 'yes' },
    path: {
      specimen_id: 'H19-0001',
      segment: 'VII',
      found_5mm: 'yes',
      trg: 'TRG3',
      max_diameter_mm: 16,
    },
  },
  {
    panel: 'cDLM',
    les: {
      segment: 'VIII',
      largest_two: 'yes',
      base_ct_visible: 'yes',
      base_ct_size_mm: 12,
      base_mri_visible: 'yes',
      preop_ct_visible: 'no',
      ...hidden,
    },
    ioles: ioles('resected'),
    path: { specimen_id: 'H19-0002', segment: 'VIII', found_5mm: 'yes', trg: 'TRG1' },
  },
  {
    panel: 'Non-cDLM (visible on DW)',
    les: {
      segment: 'IVa',
      largest_two: 'no',
      base_ct_visible: 'yes',
      base_ct_size_mm: 10,
      base_mri_visible: 'yes',
      preop_ct_visible: 'no',
      ...hidden,
      preop_dwi: 'visible',
      preop_adc: 1.4,
    },
    ioles: ioles('resected'),
    path: { specimen_id: 'H19-0003', segment: 'IVa', found_5mm: 'no', found_1mm: 'no' },
  },
  {
    panel: 'DLM, unconfirmed (missing: T2)',
    les: {
      segment: 'II',
      largest_two: 'no',
      base_ct_visible: 'yes',
      base_ct_size_mm: 8,
      base_mri_visible: 'yes',
      preop_ct_visible: 'no',
      ...hidden,
      preop_t2: 'not_done',
    },
    ioles: ioles('ablated'),
  },
  {
    panel: 'New or unknown',
    les: {
      segment: 'VI',
      largest_two: 'no',
      base_ct_visible: 'no',
      base_mri_visible: 'no',
      preop_ct_visible: 'no',
      preop_dwi: 'visible',
      preop_t1: 'visible',
      preop_t2: 'visible',
      preop_ce: 'visible',
    },
    ioles: ioles('resected'),
    path: { specimen_id: 'H19-0005', segment: 'VI', found_5mm: 'yes', trg: 'TRG2' },
  },
  {
    panel: 'cDLM',
    les: {
      segment: 'V',
      largest_two: 'no',
      base_ct_visible: 'yes',
      base_ct_size_mm: 9,
      base_mri_visible: 'yes',
      preop_ct_visible: 'no',
      ...hidden,
    },
    ioles: ioles('left_in_place'),
  },
];

export const FU_24: Answers = {
  visit_month: 24,
  visit_date: '2021-08-25',
  ct_done: 'yes',
  mri_done: 'yes',
  site_recurrence: { L6: 'no' },
  liver_recurrence_other: 'no',
  extrahepatic_progression: 'no',
  vital_status: 'alive',
};

/** A cDLM, for the tests that change one answer and watch the panel. */
export const LES_CDLM: Answers = LESIONS[1]?.les as Answers;
