import type { SequenceName } from '../rules/classification';
import { clusteredProportion } from '../stats/clustered-proportion';
import { normalCdf } from '../stats/distributions';
import { isAnalysed, type LesionRecord, type PatientRecord } from './records';

/** The protocol's NPV threshold: the study succeeds if the 90 % CI lies above it. */
export const NPV_THRESHOLD = 0.85;
/** Two-sided level of the NPV intervals (one-sided α = 5 %). */
export const NPV_CONFIDENCE = 0.9;

export type NpvRowId =
  | 'cdlm'
  | 'cdlm_resected'
  | 'cdlm_left'
  | 'dlm'
  | 'non_cdlm_resected'
  | 'cdlm_ceus_visible'
  | 'cdlm_ceus_not_visible'
  | 'dlm_not_visible_dw'
  | 'dlm_not_visible_t1'
  | 'dlm_not_visible_t2'
  | 'dlm_not_visible_ce'
  | 'cdlm_identified';

export type NpvGroup = 'primary' | 'secondary' | 'ceus' | 'sequence' | 'sensitivity';

export interface NpvRowDefinition {
  readonly id: NpvRowId;
  readonly group: NpvGroup;
  /** Short English label (CSV); the UI translates by id. */
  readonly label: string;
  /** Which evaluable lesions the row counts, in words. */
  readonly definition: string;
  /** Among evaluable lesions of analysed patients: does this one count? */
  readonly includes: (l: LesionRecord) => boolean;
}

const isCdlm = (l: LesionRecord) => l.class === 'cdlm';
const notVisibleOn = (s: SequenceName) => (l: LesionRecord) =>
  l.isDlm && l.sequences[s] === 'not_visible';

/**
 * The NPV rows of crf-spec §5, in display order. Every row counts *evaluable* lesions
 * (schemas/rules evaluability: a DLM, protocol MRI, surgery within 56 days, truth known)
 * of analysed patients (enrolled and operated), and NPV = nonviable / counted.
 *
 * Two definitions the spec leaves open, chosen with the paper:
 * - "non-cDLM" is every DLM that is not a cDLM — visible on at least one sequence
 *   (`non_cdlm`) or not confirmable because a sequence was not done or not answered
 *   (`dlm_unconfirmed`). The paper's counts imply this: 227 evaluable DLMs − 152 cDLMs =
 *   75 non-cDLMs, of which 70 resected.
 * - "per MRI sequence" is the NPV of CT plus that one sequence read alone: the evaluable DLMs
 *   (gone on CT) that are `not_visible` on that sequence, whatever the other sequences show.
 *   A lesion with the sequence `not_done` or unanswered is not negative on it and is left
 *   out of that row. The cDLM row is the same with all four sequences negative at once.
 */
export const NPV_ROWS: readonly NpvRowDefinition[] = [
  {
    id: 'cdlm',
    group: 'primary',
    label: 'All evaluable cDLMs (primary end point)',
    definition: 'Evaluable cDLMs, resected or left in place',
    includes: isCdlm,
  },
  {
    id: 'cdlm_resected',
    group: 'secondary',
    label: 'Resected cDLMs',
    definition: 'Evaluable cDLMs resected at surgery (truth: pathology)',
    includes: (l) => isCdlm(l) && l.management === 'resected',
  },
  {
    id: 'cdlm_left',
    group: 'secondary',
    label: 'cDLMs left in place',
    definition: 'Evaluable cDLMs left in place (truth: 24-month CT and MRI)',
    includes: (l) => isCdlm(l) && l.management === 'left_in_place',
  },
  {
    id: 'dlm',
    group: 'secondary',
    label: 'All evaluable DLMs',
    definition: 'Evaluable DLMs (gone on pre-operative CT), whatever MRI shows',
    includes: (l) => l.isDlm,
  },
  {
    id: 'non_cdlm_resected',
    group: 'secondary',
    label: 'Resected non-cDLMs',
    definition: 'Evaluable resected DLMs that are not cDLMs (visible on MRI or not confirmable)',
    includes: (l) => l.isDlm && !isCdlm(l) && l.management === 'resected',
  },
  {
    id: 'cdlm_ceus_visible',
    group: 'ceus',
    label: 'cDLMs visible on CEUS',
    definition: 'Evaluable cDLMs with intraoperative CEUS done and the lesion visible',
    includes: (l) => isCdlm(l) && l.ceus === 'visible',
  },
  {
    id: 'cdlm_ceus_not_visible',
    group: 'ceus',
    label: 'cDLMs not visible on CEUS',
    definition: 'Evaluable cDLMs with intraoperative CEUS done and the lesion not visible',
    includes: (l) => isCdlm(l) && l.ceus === 'not_visible',
  },
  {
    id: 'dlm_not_visible_dw',
    group: 'sequence',
    label: 'DLMs not visible on DW-MRI',
    definition: 'Evaluable DLMs not visible on the pre-operative diffusion-weighted sequence',
    includes: notVisibleOn('DW'),
  },
  {
    id: 'dlm_not_visible_t1',
    group: 'sequence',
    label: 'DLMs not visible on T1-MRI',
    definition: 'Evaluable DLMs not visible on the pre-operative T1-weighted sequence',
    includes: notVisibleOn('T1'),
  },
  {
    id: 'dlm_not_visible_t2',
    group: 'sequence',
    label: 'DLMs not visible on T2-MRI',
    definition: 'Evaluable DLMs not visible on the pre-operative T2-weighted sequence',
    includes: notVisibleOn('T2'),
  },
  {
    id: 'dlm_not_visible_ce',
    group: 'sequence',
    label: 'DLMs not visible on CE-MRI',
    definition: 'Evaluable DLMs not visible on the pre-operative contrast-enhanced sequence',
    includes: notVisibleOn('CE'),
  },
  {
    id: 'cdlm_identified',
    group: 'sensitivity',
    label: 'cDLMs, excluding resected lesions not identified by the pathologist',
    definition:
      'As the primary end point, without resected cDLMs not found after 1-mm sectioning (counted nonviable there)',
    includes: (l) => isCdlm(l) && !l.notIdentified,
  },
];

export interface NpvRow {
  readonly id: NpvRowId;
  readonly group: NpvGroup;
  readonly label: string;
  readonly definition: string;
  /** Nonviable lesions. */
  readonly n: number;
  /** Evaluable lesions counted. */
  readonly N: number;
  /** Patients contributing at least one lesion. */
  readonly K: number;
  /** NPV = n / N; null without lesions. */
  readonly p: number | null;
  /** Two-sided 90 % CI with the Donner–Donald variance; null without lesions. */
  readonly ci: readonly [number, number] | null;
  readonly se: number | null;
  /** Intraclass correlation (ANOVA, truncated at 0). */
  readonly rho: number;
  /** Variance inflation factor. */
  readonly C: number;
  /** The protocol's test: lower limit > 0.85 (false without lesions). */
  readonly lowerAboveThreshold: boolean;
  /**
   * One-sided p of H0: NPV ≤ 0.85 with the same SE, 1 − Φ((p − 0.85)/SE): below 0.05 exactly
   * when the lower limit is above 0.85. With SE = 0 (p ∈ {0, 1}, or one lesion) it is 0 when
   * p > 0.85 and 1 otherwise; null without lesions.
   */
  readonly pOneSided: number | null;
  /** The edge-case convention of the interval, when one applied (from schemas/stats). */
  readonly note?: string;
}

function oneSidedP(p: number | null, se: number | null): number | null {
  if (p === null || se === null) return null;
  if (se === 0) return p > NPV_THRESHOLD ? 0 : 1;
  return 1 - normalCdf((p - NPV_THRESHOLD) / se);
}

/** One NPV row over the given patients (see {@link NPV_ROWS}). */
export function npvRow(def: NpvRowDefinition, patients: readonly PatientRecord[]): NpvRow {
  const clusters = [];
  for (const patient of patients) {
    if (!isAnalysed(patient)) continue;
    let m = 0;
    let y = 0;
    for (const l of patient.lesions) {
      if (!l.evaluable || !def.includes(l)) continue;
      m++;
      if (l.truth === 'nonviable') y++;
    }
    if (m > 0) clusters.push({ m, y });
  }
  const r = clusteredProportion(clusters, {
    confidence: NPV_CONFIDENCE,
    threshold: NPV_THRESHOLD,
  });
  const row: NpvRow = {
    id: def.id,
    group: def.group,
    label: def.label,
    definition: def.definition,
    n: r.n,
    N: r.N,
    K: r.K,
    p: r.p,
    ci: r.ci,
    se: r.se,
    rho: r.rho,
    C: r.C,
    lowerAboveThreshold: r.lowerAboveThreshold,
    pOneSided: oneSidedP(r.p, r.se),
  };
  return r.note === undefined ? row : { ...row, note: r.note };
}

/** Every NPV row of crf-spec §5, in display order. */
export function npvTable(patients: readonly PatientRecord[]): NpvRow[] {
  return NPV_ROWS.map((def) => npvRow(def, patients));
}
