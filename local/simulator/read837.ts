/**
 * What the simulated payer needs from a submitted 837P (005010X222A1): envelope control numbers,
 * sender/receiver, and per claim the CLM01 id, CLM02 total, CLM05-3 frequency, payer id (2010BB),
 * billing NPI (2010AA) and service lines. Built on shared/x12's tokenizer (strict envelope by default).
 */
import { parseCents } from '../../shared/money';
import { components, el, type TokenizeOptions, tokenizeSync } from '../../shared/x12';

export interface SubmittedLine {
  procedureCode: string; // SV101-2
  modifiers: string[]; // SV101-3..6
  chargeCents: number; // SV102
  units: number; // SV104
  lineId?: string; // REF*6R
  dateOfService?: string; // DTP*472 (from date), YYYY-MM-DD
  dateOfServiceEnd?: string; // DTP*472 RD8 end date
}

export interface SubmittedClaim {
  claimId: string; // CLM01
  chargeCents: number; // CLM02
  frequencyCode: string; // CLM05-3
  payerId: string; // 2010BB NM1*PR NM109
  payerName: string;
  billingNpi: string; // 2010AA NM1*85 NM109
  billingName: string;
  /** 2010BA subscriber (needed by the 277CA writer; never log it). */
  subscriber: { lastName: string; firstName: string; memberId: string };
  groupControlNumber: string; // GS06 of the enclosing group
  transactionSetControlNumber: string; // ST02 of the enclosing set
  lines: SubmittedLine[];
}

export interface SubmittedGroup {
  groupControlNumber: string; // GS06
  senderId: string; // GS02
  receiverId: string; // GS03
  transactionSetControlNumbers: string[]; // ST02 of each set
}

export interface Submitted837 {
  senderQualifier: string; // ISA05
  senderId: string; // ISA06 (trimmed)
  receiverQualifier: string; // ISA07
  receiverId: string; // ISA08 (trimmed)
  interchangeControlNumber: string; // ISA13
  usage: string; // ISA15, T or P
  /** GS06 of the first group ('' when none). */
  groupControlNumber: string;
  /** ST02 of every transaction set, in order. */
  transactionSetControlNumbers: string[];
  groups: SubmittedGroup[];
  claims: SubmittedClaim[];
}

function isoDate(d: string): string | undefined {
  return /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : undefined;
}

/**
 * Reads an 837P. Strict envelope by default: a broken file throws X12Error; with
 * `{ envelope: 'lenient', onWarning }` it reads what it can and reports the defects.
 * Money goes through parseCents (a malformed amount throws).
 */
export function read837(text: string, options: TokenizeOptions = {}): Submitted837 {
  const out: Submitted837 = {
    senderQualifier: '',
    senderId: '',
    receiverQualifier: '',
    receiverId: '',
    interchangeControlNumber: '',
    usage: '',
    groupControlNumber: '',
    transactionSetControlNumbers: [],
    groups: [],
    claims: [],
  };
  let group: SubmittedGroup | undefined;
  let st = '';
  let billing = { npi: '', name: '' };
  let subscriber = { lastName: '', firstName: '', memberId: '' };
  let payer = { id: '', name: '' };
  let hlLevel = '';
  let claim: SubmittedClaim | undefined;
  let line: SubmittedLine | undefined;
  for (const seg of tokenizeSync(text, options)) {
    switch (seg.id) {
      case 'ISA':
        out.senderQualifier = el(seg, 5).trim();
        out.senderId = el(seg, 6).trim();
        out.receiverQualifier = el(seg, 7).trim();
        out.receiverId = el(seg, 8).trim();
        out.interchangeControlNumber = el(seg, 13);
        out.usage = el(seg, 15);
        break;
      case 'GS':
        group = {
          groupControlNumber: el(seg, 6),
          senderId: el(seg, 2),
          receiverId: el(seg, 3),
          transactionSetControlNumbers: [],
        };
        out.groups.push(group);
        if (!out.groupControlNumber) out.groupControlNumber = group.groupControlNumber;
        break;
      case 'ST':
        st = el(seg, 2);
        out.transactionSetControlNumbers.push(st);
        group?.transactionSetControlNumbers.push(st);
        billing = { npi: '', name: '' };
        claim = undefined;
        line = undefined;
        break;
      case 'HL':
        hlLevel = el(seg, 3);
        claim = undefined;
        line = undefined;
        if (hlLevel === '20') billing = { npi: '', name: '' };
        if (hlLevel === '22') {
          subscriber = { lastName: '', firstName: '', memberId: '' };
          payer = { id: '', name: '' };
        }
        break;
      case 'NM1': {
        // Only the loops before the first CLM of a hierarchy level: 2330x other-payer names come after it.
        if (claim) break;
        const entity = el(seg, 1);
        if (entity === '85' && hlLevel === '20') billing = { npi: el(seg, 9), name: el(seg, 3) };
        else if (entity === 'IL') {
          subscriber = { lastName: el(seg, 3), firstName: el(seg, 4), memberId: el(seg, 9) };
        } else if (entity === 'PR') payer = { id: el(seg, 9), name: el(seg, 3) };
        break;
      }
      case 'CLM':
        claim = {
          claimId: el(seg, 1),
          chargeCents: parseCents(el(seg, 2)),
          frequencyCode: components(seg, 5)[2] || '1',
          payerId: payer.id,
          payerName: payer.name,
          billingNpi: billing.npi,
          billingName: billing.name,
          subscriber,
          groupControlNumber: group?.groupControlNumber ?? '',
          transactionSetControlNumber: st,
          lines: [],
        };
        out.claims.push(claim);
        line = undefined;
        break;
      case 'LX':
        line = undefined;
        break;
      case 'SV1': {
        const proc = components(seg, 1);
        const units = el(seg, 4);
        line = {
          procedureCode: proc[1] ?? '',
          modifiers: proc.slice(2).filter(Boolean),
          chargeCents: parseCents(el(seg, 2)),
          units: units && Number.isFinite(Number(units)) ? Number(units) : 1,
        };
        claim?.lines.push(line);
        break;
      }
      case 'DTP':
        if (line && el(seg, 1) === '472') {
          const [from = '', to] = el(seg, 3).split('-');
          const start = isoDate(from);
          const end = to ? isoDate(to) : undefined;
          if (start) line.dateOfService = start;
          if (end && end !== start) line.dateOfServiceEnd = end;
        }
        break;
      case 'REF':
        if (line && el(seg, 1) === '6R') line.lineId = el(seg, 2);
        break;
    }
  }
  return out;
}
