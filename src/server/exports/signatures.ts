import type { Kysely } from 'kysely';
import type { Scope } from '#schemas/access/roles';
import type { Database } from '../db/schema';
import { whereSubjectInScope } from '../db/scope';

/**
 * Where the exports find 21 CFR Part 11 e-signatures: `SubjectData/Signature` in ODM and
 * `AdminData/SignatureDef` for each meaning. The signatures themselves belong to the review
 * layer (issue 6, table `signatures`); the exports only read them through this interface.
 */
export interface SignatureRow {
  readonly subjectId: string;
  readonly userId: string;
  readonly siteCode: string;
  /** ISO 8601 UTC. */
  readonly signedAt: string;
  /** What the signature attests, e.g. "I approve this casebook as complete and accurate". */
  readonly meaning: string;
}

export interface SignatureSummary {
  /** Every meaning signed within the scope: one SignatureDef each. */
  readonly meanings: readonly string[];
  /** Every signer within the scope: listed as AdminData users. */
  readonly signerIds: readonly string[];
}

export interface SignatureSource {
  summary(scope: Scope): Promise<SignatureSummary>;
  /** The signatures in force of these subjects (voided ones left out), any order. */
  forSubjects(subjectIds: readonly string[]): Promise<readonly SignatureRow[]>;
}

export const noSignatures: SignatureSource = {
  summary: async () => ({ meanings: [], signerIds: [] }),
  forSubjects: async () => [],
};

/**
 * The signatures in force (state `valid`) of the review layer's table. A voided signature
 * (data changed after signing) is not exported: ODM has no way to say "no longer valid",
 * and the void, with its reason, is in the audit trail.
 */
export function signatureSourceFor(db: Kysely<Database>): SignatureSource {
  return {
    async summary(scope) {
      const rows = await whereSubjectInScope(
        db
          .selectFrom('signatures')
          .innerJoin('subjects', 'subjects.id', 'signatures.subject_id')
          .select(['signatures.meaning', 'signatures.signer_id'])
          .distinct()
          .where('signatures.state', '=', 'valid'),
        scope,
      ).execute();
      return {
        meanings: [...new Set(rows.map((r) => r.meaning))].sort(),
        signerIds: [...new Set(rows.map((r) => r.signer_id))],
      };
    },
    async forSubjects(subjectIds) {
      if (subjectIds.length === 0) return [];
      const rows = await db
        .selectFrom('signatures')
        .innerJoin('subjects', 'subjects.id', 'signatures.subject_id')
        .select([
          'signatures.subject_id',
          'signatures.signer_id',
          'subjects.site_code',
          'signatures.signed_at',
          'signatures.meaning',
        ])
        .where('signatures.subject_id', 'in', [...subjectIds])
        .where('signatures.state', '=', 'valid')
        .execute();
      return rows.map((r) => ({
        subjectId: r.subject_id,
        userId: r.signer_id,
        siteCode: r.site_code,
        signedAt: r.signed_at,
        meaning: r.meaning,
      }));
    },
  };
}
