/**
 * 277CA claim acknowledgment (005010X214) reader: one Ack277 per 277 transaction set, with one
 * ClaimAck per 2200D loop (the claim under an HL whose HL03 is PT).
 */
import { expectTransaction, runReader, runReaderSync, unexpected } from './reader';
import { components, el, type Segment, type TokenizeOptions, type X12Input } from './tokenizer';
import type { Ack277, ClaimAck } from './types';
import { optionalCentsAt } from './values';

/** Claim status categories that mean the claim went on (A0/A1 acknowledged, A2 accepted, A5 split). */
export const ACCEPTED_CATEGORIES: ReadonlySet<string> = new Set(['A0', 'A1', 'A2', 'A5']);
/** A3 returned unprocessable, A4 not found, A6/A7/A8 rejected; E0-E4 response not possible. */
export const REJECTED_CATEGORIES: ReadonlySet<string> = new Set([
  'A3',
  'A4',
  'A6',
  'A7',
  'A8',
  'E0',
  'E1',
  'E2',
  'E3',
  'E4',
]);

function handler277(): (seg: Segment) => Ack277 | undefined {
  let isa13 = '';
  let ack: Ack277 | undefined;
  let level = '';
  let claim: ClaimAck | undefined;
  let claimStatuses: string[][] = []; // claim-level STC composites (category, status, entity)
  let inService = false;

  const need = (seg: Segment): Ack277 => {
    if (!ack) throw unexpected(seg, `${seg.id} outside a 277 transaction set`);
    return ack;
  };

  const closeClaim = (): void => {
    if (!claim || !ack) return;
    const first = claimStatuses[0];
    const rejecting = claimStatuses.find((s) => REJECTED_CATEGORIES.has(s[0] ?? ''));
    const decisive = rejecting ?? first;
    claim.categoryCode = decisive?.[0] ?? '';
    claim.statusCode = decisive?.[1] ?? '';
    claim.accepted = !rejecting && claimStatuses.some((s) => ACCEPTED_CATEGORIES.has(s[0] ?? ''));
    ack.claims.push(claim);
    claim = undefined;
    claimStatuses = [];
  };

  return (seg) => {
    switch (seg.id) {
      case 'ISA':
        isa13 = el(seg, 13);
        return undefined;
      case 'GS':
      case 'GE':
      case 'IEA':
      case 'TA1':
        return undefined;
      case 'ST':
        expectTransaction(seg, '277');
        ack = { interchangeControlNumber: isa13, claims: [] };
        level = '';
        claim = undefined;
        return undefined;
      case 'HL':
        need(seg);
        closeClaim();
        level = el(seg, 3);
        inService = false;
        if (level === 'PT') {
          claim = {
            patientControlNumber: '',
            accepted: false,
            categoryCode: '',
            statusCode: '',
            statusCodes: [],
          };
          claimStatuses = [];
        }
        return undefined;
      case 'TRN':
        need(seg);
        if (claim && el(seg, 1) === '2') claim.patientControlNumber = el(seg, 2);
        return undefined;
      case 'STC': {
        need(seg);
        if (!claim || inService) return undefined;
        for (const n of [1, 10, 11]) {
          const parts = components(seg, n);
          if (parts.length === 0) continue;
          claimStatuses.push(parts);
          claim.statusCodes?.push(parts.filter((p) => p !== '').join(':'));
        }
        const charge = optionalCentsAt(seg, 4);
        if (charge !== undefined && claim.chargeCents === undefined) claim.chargeCents = charge;
        if (el(seg, 12) && claim.message === undefined) claim.message = el(seg, 12);
        return undefined;
      }
      case 'REF':
        need(seg);
        if (claim && !inService && el(seg, 1) === '1K') claim.payerClaimControlNumber = el(seg, 2);
        return undefined;
      case 'SVC':
        need(seg);
        inService = true;
        return undefined;
      case 'SE': {
        const a = need(seg);
        closeClaim();
        for (const c of a.claims) {
          if (c.patientControlNumber === '') {
            throw unexpected(seg, '277CA claim (HL PT) without TRN*2 claim identifier');
          }
        }
        ack = undefined;
        return a;
      }
      default:
        need(seg);
        return undefined;
    }
  };
}

/** Streams the acknowledgments (one per 277 transaction set) of an interchange. */
export function iterate277CA(
  input: X12Input,
  opts: TokenizeOptions = {},
): AsyncGenerator<Ack277, void, undefined> {
  return runReader(input, opts, handler277());
}

export async function read277CA(input: X12Input, opts: TokenizeOptions = {}): Promise<Ack277[]> {
  const out: Ack277[] = [];
  for await (const a of iterate277CA(input, opts)) out.push(a);
  return out;
}

export function read277CASync(text: string, opts: TokenizeOptions = {}): Ack277[] {
  return runReaderSync(text, opts, handler277());
}
