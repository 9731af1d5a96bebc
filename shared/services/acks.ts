/**
 * Acknowledgments, pure: turn a 999 or a 277CA into per-claim outcomes for the AwaitAck wait.
 * - 999: the clearinghouse's syntax check of one of our interchanges (AK1 GS06 = our control number).
 *   Accepted: nothing is decided yet (the 277CA decides), an event is recorded. Rejected: every claim
 *   of that transaction set is rejected.
 * - 277CA: one outcome per claim (TRN02 = CLM01).
 */
import type { AckOutcome } from '../claims/workflow';
import type { Ack277, Ack999 } from '../x12';

export interface ClaimAckDecision {
  claimId: string;
  /** Undefined: informational only (a 999 accepting the file); append an event, answer no token. */
  outcome?: AckOutcome;
  event: string;
  detail: Record<string, unknown>;
}

/** Claim ids of our interchange whose group control number a 999 names. */
export type InterchangeClaims = (groupControlNumber: string) => Promise<string[] | undefined>;

export async function decide999(
  acks: Ack999[],
  claimsOf: InterchangeClaims,
): Promise<{
  decisions: ClaimAckDecision[];
  unmatched: string[];
}> {
  const decisions: ClaimAckDecision[] = [];
  const unmatched: string[] = [];
  for (const ack of acks) {
    // Our GS06 is numeric (1-9 digits); anything else cannot name one of our interchanges.
    const gcn = ack.groupControlNumber.trim();
    const claimIds = /^\d{1,9}$/.test(gcn) ? await claimsOf(String(Number(gcn))) : undefined;
    if (!claimIds) {
      unmatched.push(ack.groupControlNumber);
      continue;
    }
    const rejected = !ack.groupAccepted || ack.transactions.some((t) => !t.accepted);
    const codes = ack.transactions.map((t) => `IK5:${t.code}`);
    for (const claimId of claimIds) {
      decisions.push(
        rejected
          ? {
              claimId,
              outcome: { accepted: false, source: '999', codes },
              event: 'ACK_999_REJECTED',
              detail: {
                groupControlNumber: ack.groupControlNumber,
                codes,
                errors: ack.transactions.flatMap((t) => t.errors),
              },
            }
          : {
              claimId,
              event: 'ACK_999_ACCEPTED',
              detail: { groupControlNumber: ack.groupControlNumber, codes },
            },
      );
    }
  }
  return { decisions, unmatched };
}

export function decide277(acks: Ack277[]): ClaimAckDecision[] {
  return acks.flatMap((ack) =>
    ack.claims.map((c) => {
      const codes = (
        c.statusCodes && c.statusCodes.length > 0 ? c.statusCodes : [`${c.categoryCode}:${c.statusCode}`]
      ).map(String);
      const outcome: AckOutcome = { accepted: c.accepted, source: '277CA', codes };
      if (c.payerClaimControlNumber) outcome.payerClaimControlNumber = c.payerClaimControlNumber;
      return {
        claimId: c.patientControlNumber,
        outcome,
        event: c.accepted ? 'ACK_277CA_ACCEPTED' : 'ACK_277CA_REJECTED',
        detail: { codes, payerClaimControlNumber: c.payerClaimControlNumber },
      };
    }),
  );
}
