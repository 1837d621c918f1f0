/** One answer of a code list: the stored code and what the investigator reads. */
export interface CodeItem<C extends string = string> {
  readonly code: C;
  readonly label: string;
  readonly help?: string;
}

/** A named code list, shared by every field that uses it (one ODM CodeList each). */
export interface CodeList<C extends string = string> {
  readonly id: string;
  readonly label: string;
  readonly items: readonly CodeItem<C>[];
}

function codeList<const C extends string>(
  id: string,
  label: string,
  items: readonly CodeItem<C>[],
): CodeList<C> {
  return { id, label, items };
}

/** The codes of a list, in display order. */
export function codesOf<C extends string>(list: CodeList<C>): C[] {
  return list.items.map((i) => i.code);
}

/** The label of a code, or the code itself when it is not in the list. */
export function codeLabel(list: CodeList, code: string): string {
  return list.items.find((i) => i.code === code)?.label ?? code;
}

export const YES_NO = codeList('yes_no', 'Yes / no', [
  { code: 'yes', label: 'Yes' },
  { code: 'no', label: 'No' },
]);

export const COHORT = codeList('cohort', 'Registration cohort', [
  { code: 'prospective', label: 'Registered before chemotherapy' },
  { code: 'during_chemo', label: 'Registered after chemotherapy started' },
]);

export const SEX = codeList('sex', 'Sex', [
  { code: 'male', label: 'Male' },
  { code: 'female', label: 'Female' },
]);

export const PRIMARY_LOCATION = codeList('primary_location', 'Primary tumour location', [
  { code: 'right_colon', label: 'Right colon' },
  { code: 'left_colon', label: 'Left colon' },
  { code: 'rectum', label: 'Rectum' },
]);

export const CT_STAGE = codeList('ct_stage', 'Clinical T stage', [
  { code: 'T1', label: 'T1' },
  { code: 'T2', label: 'T2' },
  { code: 'T3', label: 'T3' },
  { code: 'T4', label: 'T4' },
  { code: 'unknown', label: 'Unknown' },
]);

export const CN_STAGE = codeList('cn_stage', 'Clinical N stage', [
  { code: 'N0', label: 'N0' },
  { code: 'N1', label: 'N1' },
  { code: 'N2', label: 'N2' },
  { code: 'unknown', label: 'Unknown' },
]);

export const EXTRAHEPATIC_SITES = codeList('extrahepatic_sites', 'Extrahepatic sites', [
  { code: 'lung', label: 'Lung' },
  { code: 'peritoneum', label: 'Peritoneum' },
  { code: 'lymph_nodes', label: 'Lymph nodes' },
  { code: 'other', label: 'Other' },
]);

export const RESECTABILITY = codeList('resectability', 'Resectability at diagnosis', [
  {
    code: 'unresectable',
    label: 'Unresectable',
    help: 'No possibility of R0 resection of all metastases while preserving ≥ 30 % of liver volume as future liver remnant with inflow, outflow and biliary drainage.',
  },
  {
    code: 'borderline',
    label: 'Borderline resectable',
    help: 'Potentially operable but technically challenging to achieve R0 resection.',
  },
  { code: 'resectable', label: 'Resectable', help: 'Not eligible for DREAM.' },
]);

export const WHO_PS = codeList('who_ps', 'WHO performance status', [
  { code: '0', label: '0 – fully active' },
  { code: '1', label: '1 – restricted in strenuous activity, ambulatory' },
  { code: '2', label: '2 – ambulatory, self-care, unable to work' },
  { code: '3', label: '3 – limited self-care' },
  { code: '4', label: '4 – completely disabled' },
]);

export const MUTATION_STATUS = codeList('mutation_status', 'Mutation status', [
  { code: 'wild_type', label: 'Wild type' },
  { code: 'variant', label: 'Variant (mutated)' },
  { code: 'unknown', label: 'Unknown / not tested' },
]);

export const MSI_STATUS = codeList('msi_status', 'Microsatellite status', [
  { code: 'msi_high', label: 'MSI-high' },
  { code: 'mss', label: 'Microsatellite stable' },
  { code: 'unknown', label: 'Unknown / not tested' },
]);

export const REGIMEN = codeList('regimen', 'Chemotherapy regimen', [
  { code: 'doublet', label: 'Doublet (e.g. FOLFOX, FOLFIRI, CAPOX)' },
  { code: 'doublet_egfr', label: 'Doublet + anti-EGFR' },
  { code: 'doublet_vegf', label: 'Doublet + anti-VEGF' },
  { code: 'triplet', label: 'Triplet (FOLFOXIRI)' },
  { code: 'triplet_egfr', label: 'Triplet + anti-EGFR' },
  { code: 'triplet_vegf', label: 'Triplet + anti-VEGF' },
  { code: 'iah', label: 'Intra-arterial hepatic' },
  { code: 'other', label: 'Other' },
]);

export const FIELD_STRENGTH = codeList('field_strength', 'MRI field strength', [
  { code: '1.5T', label: '1.5 T' },
  { code: '3T', label: '3 T' },
]);

export const CE_AGENT = codeList('ce_agent', 'MRI contrast agent', [
  { code: 'gd_eob_dtpa', label: 'Gd-EOB-DTPA (Primovist/Eovist, hepatocyte-specific)' },
  { code: 'gd_bopta', label: 'Gd-BOPTA (MultiHance)' },
  { code: 'extracellular_gd', label: 'Extracellular gadolinium agent' },
  { code: 'none', label: 'None' },
]);

export const SEGMENT = codeList('segment', 'Couinaud segment', [
  { code: 'I', label: 'I (caudate)' },
  { code: 'II', label: 'II' },
  { code: 'III', label: 'III' },
  { code: 'IVa', label: 'IVa' },
  { code: 'IVb', label: 'IVb' },
  { code: 'V', label: 'V' },
  { code: 'VI', label: 'VI' },
  { code: 'VII', label: 'VII' },
  { code: 'VIII', label: 'VIII' },
]);

export const SEQUENCE_VISIBILITY = codeList('sequence_visibility', 'Lesion on MRI sequence', [
  { code: 'visible', label: 'Visible' },
  { code: 'not_visible', label: 'Not visible' },
  { code: 'not_done', label: 'Sequence not done' },
]);

export const RESECTION_MARGIN = codeList('resection_margin', 'Resection margin', [
  { code: 'R0', label: 'R0 – tumour-free margin' },
  { code: 'R1', label: 'R1 – microscopic residual tumour' },
  { code: 'R2', label: 'R2 – macroscopic residual tumour' },
]);

export const CLAVIEN_DINDO = codeList('clavien_dindo', 'Clavien-Dindo grade', [
  { code: 'none', label: 'No complication' },
  { code: 'I', label: 'I' },
  { code: 'II', label: 'II' },
  { code: 'IIIa', label: 'IIIa' },
  { code: 'IIIb', label: 'IIIb' },
  { code: 'IVa', label: 'IVa' },
  { code: 'IVb', label: 'IVb' },
  { code: 'V', label: 'V (death)' },
]);

export const MANAGEMENT = codeList('management', 'Lesion management at surgery', [
  { code: 'resected', label: 'Resected' },
  { code: 'left_in_place', label: 'Left in place' },
  { code: 'ablated', label: 'Ablated' },
]);

export const TRG = codeList('trg', 'Tumour regression grade (Rubbia-Brandt)', [
  { code: 'TRG1', label: 'TRG1 – no residual cancer cells, abundant fibrosis' },
  { code: 'TRG2', label: 'TRG2 – rare residual cancer cells' },
  { code: 'TRG3', label: 'TRG3 – fibrosis predominates over residual cells' },
  { code: 'TRG4', label: 'TRG4 – residual cells predominate over fibrosis' },
  { code: 'TRG5', label: 'TRG5 – no regressive change' },
]);

export const SITE_RECURRENCE = codeList('site_recurrence', 'Recurrence at the lesion site', [
  { code: 'yes', label: 'Yes' },
  { code: 'no', label: 'No' },
  { code: 'not_assessable', label: 'Not assessable' },
]);

export const VITAL_STATUS = codeList('vital_status', 'Vital status', [
  { code: 'alive', label: 'Alive' },
  { code: 'dead', label: 'Dead' },
]);

export const CAUSE_OF_DEATH = codeList('cause_of_death', 'Cause of death', [
  { code: 'colorectal_cancer', label: 'Colorectal cancer' },
  { code: 'surgical_complication', label: 'Complication of surgery' },
  { code: 'other_cancer', label: 'Other cancer' },
  { code: 'other', label: 'Other cause' },
  { code: 'unknown', label: 'Unknown' },
]);

/** Every code list of the definition, in data-dictionary order. */
export const CODE_LISTS: readonly CodeList[] = [
  YES_NO,
  COHORT,
  SEX,
  PRIMARY_LOCATION,
  CT_STAGE,
  CN_STAGE,
  EXTRAHEPATIC_SITES,
  RESECTABILITY,
  WHO_PS,
  MUTATION_STATUS,
  MSI_STATUS,
  REGIMEN,
  FIELD_STRENGTH,
  CE_AGENT,
  SEGMENT,
  SEQUENCE_VISIBILITY,
  RESECTION_MARGIN,
  CLAVIEN_DINDO,
  MANAGEMENT,
  TRG,
  SITE_RECURRENCE,
  VITAL_STATUS,
  CAUSE_OF_DEATH,
];
