/** 999 implementation acknowledgment (005010X231A1) reader: one Ack999 per 999 transaction set. */
import { expectTransaction, runReader, runReaderSync, unexpected } from './reader';
import { components, el, type Segment, type TokenizeOptions, type X12Input } from './tokenizer';
import type { Ack999, TransactionAck } from './types';

/** IK304 implementation segment syntax error codes. */
export const IK304_CODES: Readonly<Record<string, string>> = {
  '1': 'Unrecognized segment ID',
  '2': 'Unexpected segment',
  '3': 'Required segment missing',
  '4': 'Loop occurs over maximum times',
  '5': 'Segment exceeds maximum use',
  '6': 'Segment not in defined transaction set',
  '7': 'Segment not in proper sequence',
  '8': 'Segment has data element errors',
  I4: 'Implementation "Not Used" segment present',
  I6: 'Implementation dependent segment missing',
  I7: 'Implementation loop occurs under minimum times',
  I8: 'Implementation segment below minimum use',
  I9: 'Implementation dependent "Not Used" segment present',
};

/** IK403 implementation data element syntax error codes. */
export const IK403_CODES: Readonly<Record<string, string>> = {
  '1': 'Required data element missing',
  '2': 'Conditional required data element missing',
  '3': 'Too many data elements',
  '4': 'Data element too short',
  '5': 'Data element too long',
  '6': 'Invalid character in data element',
  '7': 'Invalid code value',
  '8': 'Invalid date',
  '9': 'Invalid time',
  '10': 'Exclusion condition violated',
  '12': 'Too many repetitions',
  '13': 'Too many components',
  I10: 'Implementation "Not Used" data element present',
  I11: 'Implementation too few repetitions',
  I12: 'Implementation pattern match failure',
  I13: 'Implementation dependent "Not Used" data element present',
  I6: 'Code value not used in implementation',
  I9: 'Implementation dependent data element missing',
};

/** IK502-IK506 transaction set syntax error codes. */
export const IK5_ERROR_CODES: Readonly<Record<string, string>> = {
  '1': 'Transaction set not supported',
  '2': 'Transaction set trailer missing',
  '3': 'Transaction set control number in header and trailer do not match',
  '4': 'Number of included segments does not match actual count',
  '5': 'One or more segments in error',
  '6': 'Missing or invalid transaction set identifier',
  '7': 'Missing or invalid transaction set control number',
  '8': 'Authentication key name unknown',
  '9': 'Encryption key name unknown',
  '10': 'Requested service (authentication or encrypted) not available',
  '11': 'Unknown security recipient',
  '12': 'Incorrect message length (encryption only)',
  '13': 'Message authentication code failed',
  '15': 'Unknown security originator',
  '16': 'Syntax error in decrypted text',
  '17': 'Security not supported',
  '18': 'Transaction set not in functional group',
  '19': 'Invalid transaction set implementation convention reference',
  '23': 'Transaction set control number not unique within the functional group',
  '24': 'S3E security end segment missing for S3S security start segment',
  '25': 'S3S security start segment missing for S3E end segment',
  '26': 'S4E security end segment missing for S4S security start segment',
  '27': 'S4S security start segment missing for S4E security end segment',
  I5: 'Implementation one or more segments in error',
  I6: 'Implementation convention not supported',
};

const ACCEPTED = new Set(['A', 'E']);
const GROUP_ACCEPTED = new Set(['A', 'E', 'P']);

function describe(table: Readonly<Record<string, string>>, code: string): string {
  return `${code} ${table[code] ?? 'unknown error code'}`;
}

function handler999(): (seg: Segment) => Ack999 | undefined {
  let isa13 = '';
  let ack: Ack999 | undefined;
  let tx: TransactionAck | undefined;
  let ik3 = '';

  const need = (seg: Segment): Ack999 => {
    if (!ack) throw unexpected(seg, `${seg.id} outside a 999 transaction set`);
    return ack;
  };
  const needTx = (seg: Segment): TransactionAck => {
    need(seg);
    if (!tx) throw unexpected(seg, `${seg.id} outside an AK2 loop`);
    return tx;
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
        expectTransaction(seg, '999');
        ack = {
          interchangeControlNumber: isa13,
          groupControlNumber: '',
          groupAccepted: false,
          transactions: [],
        };
        tx = undefined;
        return undefined;
      case 'AK1': {
        const a = need(seg);
        a.groupControlNumber = el(seg, 2);
        return undefined;
      }
      case 'AK2': {
        const a = need(seg);
        tx = {
          transactionSetId: el(seg, 1),
          controlNumber: el(seg, 2),
          accepted: false,
          code: '',
          errors: [],
        };
        a.transactions.push(tx);
        ik3 = '';
        return undefined;
      }
      case 'IK3': {
        const t = needTx(seg);
        const loop = el(seg, 3) ? ` loop ${el(seg, 3)}` : '';
        ik3 = `segment ${el(seg, 1)} at position ${el(seg, 2)}${loop}`;
        const code = el(seg, 4);
        t.errors.push(code ? `${ik3}: ${describe(IK304_CODES, code)}` : ik3);
        return undefined;
      }
      case 'IK4': {
        const t = needTx(seg);
        const pos = components(seg, 1);
        const where = `element ${pos[0] ?? '?'}${pos[1] ? `-${pos[1]}` : ''}${el(seg, 2) ? ` (ref ${el(seg, 2)})` : ''}`;
        t.errors.push(`${ik3 ? `${ik3}, ` : ''}${where}: ${describe(IK403_CODES, el(seg, 3))}`);
        return undefined;
      }
      case 'CTX':
        needTx(seg);
        return undefined;
      case 'IK5': {
        const t = needTx(seg);
        t.code = el(seg, 1);
        t.accepted = ACCEPTED.has(t.code);
        for (let n = 2; n <= 6; n++) {
          const code = el(seg, n);
          if (code) t.errors.push(`transaction set: ${describe(IK5_ERROR_CODES, code)}`);
        }
        tx = undefined;
        return undefined;
      }
      case 'AK9': {
        const a = need(seg);
        a.groupAccepted = GROUP_ACCEPTED.has(el(seg, 1));
        return undefined;
      }
      case 'SE': {
        const a = need(seg);
        ack = undefined;
        tx = undefined;
        return a;
      }
      default:
        need(seg);
        return undefined;
    }
  };
}

/** Streams the acknowledgments (one per 999 transaction set) of an interchange. */
export function iterate999(
  input: X12Input,
  opts: TokenizeOptions = {},
): AsyncGenerator<Ack999, void, undefined> {
  return runReader(input, opts, handler999());
}

export async function read999(input: X12Input, opts: TokenizeOptions = {}): Promise<Ack999[]> {
  const out: Ack999[] = [];
  for await (const a of iterate999(input, opts)) out.push(a);
  return out;
}

export function read999Sync(text: string, opts: TokenizeOptions = {}): Ack999[] {
  return runReaderSync(text, opts, handler999());
}
