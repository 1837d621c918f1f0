import type { Kysely } from 'kysely';
import type { Scope } from '#schemas/access/roles';
import type { Database } from '../db/schema';

/**
 * Where the exports find 21 CFR Part 11 e-signatures: `SubjectData/Signature` in ODM and
 * `AdminData/SignatureDef` for each meaning. The signatures table belongs to the review
 * layer (issue 6); until it is wired in {@link signatureSourceFor}, exports carry none.
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

/** The signature source of the running server. */
export function signatureSourceFor(_db: Kysely<Database>): SignatureSource {
  return noSignatures;
}
