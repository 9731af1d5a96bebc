/** Errors the repositories throw. Messages carry ids only, never PHI. */
import type { ClaimStatus } from '../claims/model';

export class ClaimNotFoundError extends Error {
  override readonly name = 'ClaimNotFoundError';
  constructor(readonly claimId: string) {
    super(`claim ${claimId} not found`);
  }
}

/** The claim changed since it was read (optimistic lock): re-read and retry. */
export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly claimId: string,
    readonly expectedVersion: number,
  ) {
    super(`claim ${claimId} is no longer at version ${expectedVersion}`);
  }
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly claimId: string,
    readonly from: ClaimStatus,
    readonly to: ClaimStatus,
    message: string,
  ) {
    super(message);
  }
}

/** More items than one TransactWriteItems call may hold (100). */
export class TransactionTooLargeError extends Error {
  override readonly name = 'TransactionTooLargeError';
}

/** The cancellation reason codes of a TransactionCanceledException, or undefined for other errors. */
export function cancellationCodes(err: unknown): (string | undefined)[] | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e.name !== 'TransactionCanceledException') return undefined;
  return (e.CancellationReasons ?? []).map((r) => r.Code);
}

export function isConditionalCheckFailed(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: string }).name === 'ConditionalCheckFailedException'
  );
}

export const MAX_TRANSACTION_ITEMS = 100;

/** A list cursor that this repository did not hand out (or for other practices / statuses). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('invalid cursor');
  }
}
