/**
 * Key layout of the single table. Only shared/store imports this file.
 *
 * | item                | PK                 | SK                      | GSI1PK / GSI1SK                        |
 * |---------------------|--------------------|-------------------------|----------------------------------------|
 * | claim (hot state)   | CLAIM#<claimId>    | META (+ `markers`: once-only outcome keys) | PRACTICE#<p>#STATUS#<s> / <entered status at>#<claimId> (KEYS_ONLY) |
 * | claim content       | CLAIM#<claimId>    | META#CONTENT (the Claim as deflated JSON; written at intake and by corrections) | |
 * | intake record       | CLAIM#<claimId>    | INTAKE (content hash, source file; written once) |                  |
 * | claim event         | CLAIM#<claimId>    | EVENT#<at>#<seq 6 digits> |                                      |
 * | ledger entry        | CLAIM#<claimId>    | LEDGER#<entryId>        |                                        |
 * | posting marker      | CLAIM#<claimId>    | POSTED#<postingKey> (ledger postings) |                          |
 * | ledger head         | CLAIM#<claimId>    | HEAD#LEDGER (postings count, the claim ledger's version) |          |
 * | remittance          | REMIT#<trace>      | META                    |                                        |
 * | remit claim posted  | REMIT#<trace>      | PAID#<postingKey>       | (CLP04 posted: for reconciliation)     |
 * | remit PLB posted    | REMIT#<trace>      | PLB#<index 3 digits>    | (PLB amount posted)                    |
 * | provider ledger     | PROVIDER#<id>      | LEDGER#<trace>#<index 3 digits> |                                |
 * | charge file         | FILE#<s3 key>      | META                    |                                        |
 * | interchange         | ICN#<n>            | META                    |                                        |
 * | interchange member  | ICN#<n>            | CLAIM#<claimId>         |                                        |
 * | counter             | COUNTER#<name>     | META                    |                                        |
 * | work item           | WORK#<kind>        | REF#<reference>         | PRACTICE#<p>#WORK (or WORK#UNOWNED) / CLAIM#<claimId>#<kind>#<reference> |
 */
export const META = 'META';
/** The claim's content item: its SK starts with META, so `begins_with(SK, META)` reads state and content in one Query. */
export const CLAIM_CONTENT = 'META#CONTENT';
export const CHARGES_POSTING_KEY = 'CHARGES';

export const claimPk = (claimId: string) => `CLAIM#${claimId}`;
export const eventSk = (at: string, seq: number) => `EVENT#${at}#${String(seq).padStart(6, '0')}`;
export const EVENT_PREFIX = 'EVENT#';
export const ledgerSk = (entryId: string) => `LEDGER#${entryId}`;
export const LEDGER_PREFIX = 'LEDGER#';
export const postedSk = (postingKey: string) => `POSTED#${postingKey}`;
export const statusGsiPk = (practiceId: string, status: string) => `PRACTICE#${practiceId}#STATUS#${status}`;
export const statusGsiSk = (updatedAt: string, claimId: string) => `${updatedAt}#${claimId}`;
export const remitPk = (traceNumber: string) => `REMIT#${traceNumber}`;
export const LEDGER_HEAD = 'HEAD#LEDGER';
export const remitPaidSk = (postingKey: string) => `PAID#${postingKey}`;
export const REMIT_PAID_PREFIX = 'PAID#';
export const remitPlbSk = (index: number) => `PLB#${String(index).padStart(3, '0')}`;
export const REMIT_PLB_PREFIX = 'PLB#';
export const providerPk = (providerId: string) => `PROVIDER#${providerId}`;
export const providerLedgerSk = (traceNumber: string, index: number) =>
  `LEDGER#${encodeURIComponent(traceNumber)}#${String(index).padStart(3, '0')}`;
export const filePk = (fileKey: string) => `FILE#${fileKey}`;
/** Control numbers are compared as numbers: ISA13 "000000012" and 12 are the same interchange. */
export const icnPk = (icn: string | number) => `ICN#${normalizeControlNumber(icn)}`;
export const icnClaimSk = (claimId: string) => `CLAIM#${claimId}`;
export const ICN_CLAIM_PREFIX = 'CLAIM#';
export const counterPk = (name: string) => `COUNTER#${name}`;

export function normalizeControlNumber(n: string | number): string {
  const text = String(n).trim();
  if (!/^\d{1,9}$/.test(text)) throw new Error(`not a control number: "${text}"`);
  return String(Number(text));
}
export const workPk = (kind: string) => `WORK#${kind}`;
export const workSk = (reference: string) => `REF#${reference}`;
/**
 * The work-item index on GSI1 (no GSI of its own): one partition per practice (items naming a stored
 * claim of it) and one for items naming no stored claim. The sort key starts with the claim id, so
 * one claim's items are a begins_with query of its practice's partition.
 */
export const workPracticeGsiPk = (practiceId: string) => `PRACTICE#${practiceId}#WORK`;
export const WORK_UNOWNED_GSI_PK = 'WORK#UNOWNED';
export const workClaimGsiPrefix = (claimId: string) => `CLAIM#${claimId}#`;
export const workGsiSk = (claimId: string | undefined, kind: string, reference: string) =>
  `${claimId ? workClaimGsiPrefix(claimId) : ''}${kind}#${reference}`;
