import type { CleanFormValues } from '../study/definition';

export type LesionClass = 'non_dlm' | 'cdlm' | 'non_cdlm' | 'dlm_unconfirmed' | 'new_or_unknown';

/** The pre-operative MRI sequences that confirm a disappearance, in display order. */
export const MRI_SEQUENCES = [
  { key: 'preop_dwi', name: 'DW' },
  { key: 'preop_t1', name: 'T1' },
  { key: 'preop_t2', name: 'T2' },
  { key: 'preop_ce', name: 'CE' },
] as const;
export type SequenceName = (typeof MRI_SEQUENCES)[number]['name'];

export interface Classification {
  readonly class: LesionClass;
  /** cdlm, non_cdlm or dlm_unconfirmed: disappeared on CT. */
  readonly isDlm: boolean;
  /** For a DLM: the sequences on which the lesion is still visible. */
  readonly visibleOn: readonly SequenceName[];
  /** For a DLM: the sequences not done or not answered, which block confirmation. */
  readonly missingSequences: readonly SequenceName[];
  /** For new_or_unknown: the LES fields whose answer would decide the class. */
  readonly missingInputs: readonly string[];
  readonly reason: string;
}

const NONE: readonly never[] = [];

function make(
  cls: LesionClass,
  reason: string,
  visibleOn: readonly SequenceName[] = NONE,
  missingSequences: readonly SequenceName[] = NONE,
  missingInputs: readonly string[] = NONE,
): Classification {
  const isDlm = cls === 'cdlm' || cls === 'non_cdlm' || cls === 'dlm_unconfirmed';
  return { class: cls, isDlm, visibleOn, missingSequences, missingInputs, reason };
}

/**
 * Lesion classification from its LES form (crf-spec.md §3 LES, the paper's definitions:
 * a DLM is undetectable on pre-operative CT whatever MRI says; a cDLM is undetectable on
 * CT and on all four multiparametric MRI sequences).
 *
 * | preop_ct_visible | base_ct_visible | MRI sequences (DW, T1, T2, CE)            | → class          |
 * |------------------|-----------------|-------------------------------------------|------------------|
 * | yes              | –               | –                                         | non_dlm          |
 * | no               | yes             | any visible                               | non_cdlm         |
 * | no               | yes             | all four not_visible                      | cdlm             |
 * | no               | yes             | none visible, ≥ 1 not_done or missing     | dlm_unconfirmed  |
 * | –                | no              | –  (not a disappearing lesion)            | new_or_unknown   |
 * | missing          | yes / missing   | –                                         | new_or_unknown   |
 * | no               | missing         | –                                         | new_or_unknown   |
 *
 * dlm_unconfirmed names the sequences that block confirmation (`missingSequences`);
 * new_or_unknown with inputs missing names them (`missingInputs`).
 */
export function classifyLesion(les: CleanFormValues<'LES'> | undefined): Classification {
  const preopCt = les?.preop_ct_visible;
  const baseCt = les?.base_ct_visible;
  if (preopCt === 'yes') return make('non_dlm', 'Visible on pre-operative CT');
  if (baseCt === 'no')
    return make('new_or_unknown', 'Not visible on baseline CT: not a disappearing lesion');
  if (preopCt === undefined || baseCt === undefined) {
    const missing: string[] = [];
    if (baseCt === undefined) missing.push('base_ct_visible');
    if (preopCt === undefined) missing.push('preop_ct_visible');
    return make('new_or_unknown', `Missing: ${missing.join(', ')}`, NONE, NONE, missing);
  }
  // Disappeared on CT: baseline yes, pre-operative no.
  const visible: SequenceName[] = [];
  const blocking: SequenceName[] = [];
  const blockingText: string[] = [];
  for (const { key, name } of MRI_SEQUENCES) {
    const v = (les as CleanFormValues<'LES'>)[key];
    if (v === 'visible') visible.push(name);
    else if (v !== 'not_visible') {
      blocking.push(name);
      blockingText.push(`${name} ${v === 'not_done' ? 'not done' : 'missing'}`);
    }
  }
  if (visible.length > 0)
    return make('non_cdlm', `Disappeared on CT; visible on MRI ${visible.join(', ')}`, visible);
  if (blocking.length > 0)
    return make(
      'dlm_unconfirmed',
      `Disappeared on CT; cannot be confirmed: ${blockingText.join(', ')}`,
      NONE,
      blocking,
    );
  return make('cdlm', 'Disappeared on CT and not visible on DW, T1, T2 or CE MRI');
}
