/**
 * process-ack: a 999 or 277CA file -> per-claim decisions -> delivered to the AwaitAck waits,
 * once per file (the dedupe key is the file's content hash).
 */
import { read277CA, read999, X12Error, type X12Input } from '../x12';
import { type ClaimAckDecision, decide277, decide999, type InterchangeClaims } from './acks';
import type { Delivery } from './outcomes';
import type { WorkItem } from './remit';

export interface AckPorts {
  claimsOfInterchange: InterchangeClaims;
  deliver(
    decision: ClaimAckDecision & { outcome: NonNullable<ClaimAckDecision['outcome']> },
    key: string,
  ): Promise<Delivery>;
  note(decision: ClaimAckDecision, key: string): Promise<'saved' | 'duplicate' | 'no-claim'>;
  workItem(item: WorkItem): Promise<void>;
}

export interface AckSummary {
  decisions: number;
  answered: number;
  pending: number;
  duplicates: number;
  unmatched: number;
}

export async function processAckFile(
  input: X12Input,
  kind: '999' | '277',
  file: { key: string; contentHash: string },
  ports: AckPorts,
): Promise<AckSummary> {
  const summary: AckSummary = { decisions: 0, answered: 0, pending: 0, duplicates: 0, unmatched: 0 };
  let decisions: ClaimAckDecision[];
  try {
    if (kind === '999') {
      const r = await decide999(await read999(input), ports.claimsOfInterchange);
      decisions = r.decisions;
      for (const gcn of r.unmatched) {
        summary.unmatched++;
        await ports.workItem({
          kind: 'UNMATCHED_ACK',
          reference: `999/${gcn}`,
          detail: { fileKey: file.key },
        });
      }
    } else {
      decisions = decide277(await read277CA(input));
    }
  } catch (err) {
    if (!(err instanceof X12Error)) throw err;
    await ports.workItem({
      kind: 'ACK_HELD',
      reference: file.key,
      detail: { code: err.code, message: err.message },
    });
    return summary;
  }
  const key = `ACK#${file.contentHash.slice(0, 32)}`;
  for (const decided of decisions) {
    summary.decisions++;
    // The claim's event names the file, so the workbench can show the acknowledgment (no PHI: a hash key).
    const d = { ...decided, detail: { ...decided.detail, fileKey: file.key } };
    const result = d.outcome
      ? await ports.deliver({ ...d, outcome: d.outcome }, key)
      : await ports.note(d, key);
    if (result === 'answered') summary.answered++;
    else if (result === 'pending') summary.pending++;
    else if (result === 'duplicate') summary.duplicates++;
    else if (result === 'no-claim' || result === 'unexpected') {
      summary.unmatched++;
      await ports.workItem({
        kind: 'UNMATCHED_ACK',
        reference: `${kind}/${d.claimId}`,
        detail: { fileKey: file.key, event: d.event },
      });
    }
  }
  return summary;
}
