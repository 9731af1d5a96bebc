/** What the console's void form offers (copies of shared/workbench/void.ts and corrections.ts ENDED; a test keeps them equal). */
export const VOID_REASONS = ['SENT_IN_ERROR', 'WRONG_PAYER', 'DUPLICATE', 'SERVICE_NOT_RENDERED'] as const;
export type VoidReason = (typeof VOID_REASONS)[number];

/** Statuses whose execution has ended: a claim on the payer's file in one of them can be voided. */
export const VOIDABLE: readonly string[] = ['CLOSED', 'SECONDARY', 'HUMAN_REVIEW'];
