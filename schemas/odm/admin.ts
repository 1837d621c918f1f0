import type { Role } from '../access/roles';
import { metaDataVersionOid, STUDY_OID, signatureDefOid } from './oids';
import { el, textEl, type XmlNode } from './xml-node';

/**
 * `AdminData`: the users and sites an ODM file refers to, and the meanings of the
 * electronic signatures in it (21 CFR 11.50: each signature shows what it means).
 */

export interface AdminUser {
  readonly oid: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly locationOids: readonly string[];
}

export interface AdminLocation {
  readonly oid: string;
  readonly name: string;
  /** `YYYY-MM-DD` from which the site used this definition version. */
  readonly effectiveDate: string;
}

/** Why our signatures are legally binding, as the SignatureDef states it. */
export const SIGNATURE_LEGAL_REASON =
  'Electronic signature under 21 CFR Part 11: the signer, authenticated by username and password at signing, ' +
  'attests the meaning stated; the signature is linked to the signed record and cannot be copied or altered.';

/** ODM's coarse user types: site staff are investigators, study-wide staff the sponsor. */
export function odmUserType(role: Role): 'Investigator' | 'Sponsor' | 'Other' {
  if (role === 'investigator') return 'Investigator';
  if (role === 'admin') return 'Other';
  return 'Sponsor';
}

export function adminDataElement(
  users: readonly AdminUser[],
  locations: readonly AdminLocation[],
  signatureMeanings: readonly string[],
): XmlNode {
  return el('AdminData', { StudyOID: STUDY_OID }, [
    ...users.map((u) =>
      el('User', { OID: u.oid, UserType: odmUserType(u.role) }, [
        textEl('LoginName', u.username),
        textEl('DisplayName', u.displayName),
        ...u.locationOids.map((l) => el('LocationRef', { LocationOID: l })),
      ]),
    ),
    ...locations.map((l) =>
      el('Location', { OID: l.oid, Name: l.name, LocationType: 'Site' }, [
        el('MetaDataVersionRef', {
          StudyOID: STUDY_OID,
          MetaDataVersionOID: metaDataVersionOid(),
          EffectiveDate: l.effectiveDate,
        }),
      ]),
    ),
    ...[...new Set(signatureMeanings)].map((m) =>
      el('SignatureDef', { OID: signatureDefOid(m), Methodology: 'Electronic' }, [
        textEl('Meaning', m),
        textEl('LegalReason', SIGNATURE_LEGAL_REASON),
      ]),
    ),
  ]);
}
