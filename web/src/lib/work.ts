/**
 * The work-item kinds the queue filters by: a copy of the API's WORK_ITEM_KINDS (functions/api/app.ts;
 * the console's bundle does not import the API), kept equal by test/unit/web/work.test.ts.
 */
export const WORK_KINDS = [
  'UNMATCHED_REMIT',
  'REMIT_MISMATCH',
  'REMIT_HELD',
  'UNEXPECTED_REMIT',
  'UNMATCHED_ACK',
  'ACK_HELD',
  'DUPLICATE_REMIT',
  'CREDIT_BALANCE',
  'INTAKE_CONFLICT',
  'APPEAL_EXPIRED',
] as const;
