import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../shared/posting/ledger';
import {
  appealDeadline,
  appealFacts,
  appealPacketPdf,
  DEFAULT_APPEAL_DAYS,
  denialCategory,
  latestDenial,
  NotDeniedError,
  submittedInterchanges,
} from '../../../shared/workbench/appeals';
import { pdfText } from '../../support/pdf';
import { charges, event, fakeClaim } from './billing-fixtures';

const claim = fakeClaim('CAPPEAL1');
const source = { traceNumber: 'TRC9', payerClaimControlNumber: 'PCN77' };
const at = '2026-02-20T09:00:00.000Z';
const ledger: LedgerEntry[] = [
  ...charges(claim),
  {
    entryId: 'R-1',
    claimId: claim.claimId,
    kind: 'ADJUSTMENT',
    amountCents: 6000,
    carc: '50',
    group: 'CO',
    lineId: 'L1',
    source,
    at,
  },
  {
    entryId: 'R-2',
    claimId: claim.claimId,
    kind: 'ADJUSTMENT',
    amountCents: 4000,
    carc: '50',
    group: 'CO',
    lineId: 'L2',
    source,
    at,
  },
];
const events = [
  event(claim.claimId, 1, 'RECEIVED', '2026-01-20T00:00:00.000Z'),
  event(claim.claimId, 2, 'SUBMITTED', '2026-01-21T08:00:00.000Z', { interchangeControlNumber: '000000042' }),
  event(claim.claimId, 3, 'ACK_999_ACCEPTED', '2026-01-21T09:00:00.000Z', { groupControlNumber: '42' }),
  event(claim.claimId, 4, 'ACK_277CA_ACCEPTED', '2026-01-22T10:00:00.000Z', {
    payerClaimControlNumber: 'PCN77',
  }),
  event(claim.claimId, 5, 'REMIT_POSTED', at, {
    paidCents: 0,
    carcs: ['CO-50'],
    traceNumber: 'TRC9',
    rarcs: ['N130'],
  }),
];
const interchanges = [
  {
    interchangeControlNumber: '000000042',
    groupControlNumber: '42',
    createdAt: '2026-01-21T08:00:00.000Z',
    sentAt: '2026-01-21T08:00:05.000Z',
  },
];

describe('appeal facts', () => {
  it('finds the latest denial with each code, its line, amount and meaning', () => {
    const d = latestDenial(events, ledger);
    expect(d?.remitDate).toBe('2026-02-20');
    expect(d?.payerClaimControlNumber).toBe('PCN77');
    expect(d?.codes.map((c) => [c.kind, c.code, c.lineId, c.amountCents])).toEqual([
      ['CARC', 'CO-50', 'L1', 6000],
      ['CARC', 'CO-50', 'L2', 4000],
      ['RARC', 'N130', undefined, undefined],
    ]);
    expect(d?.codes[0]?.meaning).toMatch(/necess/i);
    expect(d?.codes[2]?.meaning).not.toBe('');
  });

  it('a paid remit or a deductible-only zero payment is not a denial', () => {
    const paid = [event('X', 1, 'REMIT_POSTED', at, { paidCents: 100, carcs: ['CO-45'] })];
    const deductible = [event('X', 1, 'REMIT_POSTED', at, { paidCents: 0, carcs: ['PR-1'] })];
    expect(latestDenial(paid, [])).toBeUndefined();
    expect(latestDenial(deductible, [])).toBeUndefined();
    expect(() => appealFacts({ claim, events: paid, ledger: [], interchanges: [] })).toThrow(NotDeniedError);
  });

  it('the deadline is 180 days from the 835 by default, payer-configurable', () => {
    expect(DEFAULT_APPEAL_DAYS).toBe(180);
    expect(appealDeadline('2026-02-20', 'PAYER1')).toBe('2026-08-19');
    expect(appealDeadline('2026-02-20', 'PAYER1', { appealDaysByPayer: { PAYER1: 60 } })).toBe('2026-04-21');
    expect(appealDeadline('2026-02-20', 'OTHER', { appealDaysByPayer: { PAYER1: 60 } })).toBe('2026-08-19');
  });

  it('categorises by the first denial CARC, skipping CO-45 and PR codes', () => {
    const c = (code: string) => ({ code, kind: 'CARC' as const, meaning: '' });
    expect(denialCategory([c('CO-45'), c('PR-1'), c('CO-197')])).toBe('AUTHORIZATION');
    expect(denialCategory([c('CO-16')])).toBe('DOCUMENTATION');
    expect(denialCategory([c('CO-29')])).toBe('TIMELY_FILING');
    expect(denialCategory([c('CO-999')])).toBe('OTHER');
  });

  it('collects proof of timely filing and the attachments', () => {
    const f = appealFacts({ claim, events, ledger, interchanges, attachments: ['Referral letter'] });
    expect(f.category).toBe('MEDICAL_NECESSITY');
    expect(f.argument).toContain('CAPPEAL1');
    expect(f.argument).toContain('2026-01-15');
    expect(f.argument).not.toContain('{');
    expect(f.deadline).toBe('2026-08-19');
    expect(f.timelyFiling.submissions).toEqual([
      { at: '2026-01-21T08:00:00.000Z', interchangeControlNumber: '000000042' },
    ]);
    expect(f.timelyFiling.ack999Accepted).toEqual([
      { at: '2026-01-21T09:00:00.000Z', groupControlNumber: '42' },
    ]);
    expect(f.timelyFiling.ack277caAccepted[0]?.payerClaimControlNumber).toBe('PCN77');
    expect(f.attachments).toContain('Referral letter');
    expect(f.attachments.some((a) => /medical necessity/i.test(a))).toBe(true);
    expect(submittedInterchanges(events)).toEqual(['000000042']);
  });
});

describe('appeal packet PDF', () => {
  it('has the letter, the codes with meanings, the timely-filing proof and the attachments', async () => {
    const facts = appealFacts({ claim, events, ledger, interchanges });
    const bytes = await appealPacketPdf(claim, facts, '2026-03-01');
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(doc.getTitle()).toBe('Appeal CAPPEAL1');
    const text = await pdfText(bytes);
    for (const s of [
      'TEST CLINIC',
      'TEST PAYER',
      'Member id: TESTMEMBER1',
      'Payer claim number: PCN77',
      'Appeal deadline: 2026-08-19',
      '99213',
      '$60.00',
      'CARC CO-50 (line L1) $60.00:',
      'RARC N130',
      '2. Proof of timely filing',
      'Interchange 000000042 (group 42)',
      '999 accepted 2026-01-21T09:00:00.000Z',
      '277CA accepted 2026-01-22T10:00:00.000Z',
      '3. Attachments',
      'Copy of the remittance advice (835) with the denial',
    ]) {
      expect(text).toContain(s);
    }
  });
});
