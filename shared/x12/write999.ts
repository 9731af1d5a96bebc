/**
 * 999 implementation acknowledgment writer (005010X231A1), used by the local clearinghouse
 * simulator to answer an 837P functional group. read999 reads it back.
 */
import { X12Error } from './errors';
import {
  cleanId,
  closeInterchange,
  type InterchangeEnvelope,
  openInterchange,
  SegmentBuffer,
  type WrittenControlNumbers,
} from './writer';

export const X231A1 = '005010X231A1';

export interface ElementError999 {
  position: number; // IK401-1
  componentPosition?: number; // IK401-2
  reference?: string; // IK402 data element reference number
  code: string; // IK403
  badValue?: string; // IK404
}

export interface SegmentError999 {
  segmentId: string; // IK301
  position: number; // IK302 position in the transaction set (ST = 1)
  loopId?: string; // IK303: LS/LE loop identifier (1-4 characters), rarely used
  code: string; // IK304
  elementErrors?: ElementError999[];
}

export interface TransactionAck999Input {
  transactionSetId: string; // AK201, e.g. 837
  controlNumber: string; // AK202 = ST02 of the acknowledged set
  implementationVersion?: string; // AK203, e.g. 005010X222A1
  code: 'A' | 'E' | 'R' | 'M' | 'W' | 'X'; // IK501
  segmentErrors?: SegmentError999[];
  /** IK502..IK506 codes; default ['5'] when the set is not accepted and none are given. */
  errorCodes?: string[];
}

export interface Write999Input {
  envelope: InterchangeEnvelope;
  functionalIdentifier?: string; // AK101, default HC
  groupControlNumber: string; // AK102 = GS06 of the acknowledged group
  implementationVersion?: string; // AK103, default 005010X222A1
  transactions: TransactionAck999Input[];
  /** Number of transaction sets in the acknowledged group (AK903); default transactions.length. */
  receivedCount?: number;
}

export interface Write999Result extends WrittenControlNumbers {
  x12: string;
}

/** AK901 from the transaction outcomes: A all accepted, E accepted with errors, R none, P partial. */
function groupCode(input: Write999Input): string {
  const accepted = input.transactions.filter((t) => t.code === 'A' || t.code === 'E');
  if (input.transactions.length === 0 || accepted.length === 0) return 'R';
  if (accepted.length < input.transactions.length) return 'P';
  return accepted.some((t) => t.code === 'E') ? 'E' : 'A';
}

export function write999(input: Write999Input): Write999Result {
  if (input.transactions.length === 0)
    throw new X12Error('INVALID_INPUT', 'a 999 acknowledges at least one set');
  const out = new SegmentBuffer();
  const { numbers } = openInterchange(out, input.envelope, 'FA', '999', X231A1);
  const version = input.implementationVersion ?? '005010X222A1';
  out.add('AK1', input.functionalIdentifier ?? 'HC', cleanId(input.groupControlNumber, 9), version);
  for (const t of input.transactions) {
    out.add('AK2', t.transactionSetId, cleanId(t.controlNumber, 9), t.implementationVersion ?? version);
    for (const s of t.segmentErrors ?? []) {
      out.add(
        'IK3',
        cleanId(s.segmentId, 3),
        String(s.position),
        s.loopId ? cleanId(s.loopId, 4) : '',
        s.code,
      );
      for (const e of s.elementErrors ?? []) {
        const pos = e.componentPosition ? `${e.position}:${e.componentPosition}` : String(e.position);
        out.add('IK4', pos, e.reference ?? '', e.code, e.badValue ? cleanId(e.badValue, 99) : undefined);
      }
    }
    const accepted = t.code === 'A' || t.code === 'E';
    const codes = (t.errorCodes ?? (accepted ? [] : ['5'])).slice(0, 5);
    out.add('IK5', t.code, ...codes);
  }
  const acceptedCount = input.transactions.filter((t) => t.code === 'A' || t.code === 'E').length;
  out.add(
    'AK9',
    groupCode(input),
    String(input.transactions.length),
    String(input.receivedCount ?? input.transactions.length),
    String(acceptedCount),
  );
  closeInterchange(out, numbers);
  return { x12: out.join(), ...numbers };
}
