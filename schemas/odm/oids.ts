import { STUDY } from '../study/definition';
import type { EventKey, FormKey } from '../study/keys';
import { DEFINITION_VERSION } from '../study/version';

/**
 * Object identifiers of the DREAM ODM files. They are derived from the definition's stable
 * keys (never from labels or positions), so that files exported at different times, and
 * files exported then imported, name the same things the same way.
 *
 * Every OID inside one MetaDataVersion must be unique across element kinds (the XSD's
 * `UC-MDV-OID-unique`): each kind has its own prefix.
 */

export const ODM_NAMESPACE = 'http://www.cdisc.org/ns/odm/v1.3';
export const ODM_VERSION = '1.3.2';
export const STUDY_OID = STUDY.oid;

export function metaDataVersionOid(version: number = DEFINITION_VERSION): string {
  return `MDV.${STUDY.oid}.${version}`;
}

export const eventOid = (event: EventKey): string => `SE.${event}`;
export const formOid = (form: FormKey): string => `F.${form}`;
/** The item group of a form's own fields (repeating per lesion for LES, IOLES and PATH). */
export const mainGroupOid = (form: FormKey): string => `IG.${form}`;
/** The per-lesion answers inside a non-lesion form (FU `site_recurrence`). */
export const lesionGroupOid = (form: FormKey): string => `IG.${form}.LESION`;
/** Field keys repeat across forms (LES and PATH `segment`), so the form is part of the OID. */
export const itemOid = (form: FormKey, key: string): string => `I.${form}.${key}`;
export const codeListOid = (id: string): string => `CL.${id}`;
export const conditionOid = (form: FormKey, key: string): string => `C.${form}.${key}`;
export const locationOid = (siteCode: string): string => `LOC.${siteCode}`;
export const userOid = (username: string): string => `USR.${username}`;

/** `s/mm²` → `s_mm_`: OIDs stay ASCII while the unit's name and symbol keep the real text. */
function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, '_');
}

export const unitOid = (unit: string): string => `MU.${slug(unit)}`;
export const signatureDefOid = (meaning: string): string => `SD.${slug(meaning.toLowerCase())}`;
