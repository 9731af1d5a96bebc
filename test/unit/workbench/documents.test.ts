import { describe, expect, it } from 'vitest';
import type { ClaimEvent } from '../../../shared/claims/model';
import type { Caller } from '../../../shared/workbench/access';
import type { AccessAuditEntry } from '../../../shared/workbench/audit';
import {
  claimDocuments,
  type DocumentPorts,
  documentView,
  readClaimDocument,
} from '../../../shared/workbench/documents';
import { write277CA, write837P, write999 } from '../../../shared/x12';
import { remit835 } from '../../support/remit';
import { BILLING_NPI, makeClaim, makeDependentClaim, makeEnvelope, makePayerEnvelope } from '../x12/fixtures';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const event = (type: string, at: string, detail: Record<string, unknown>): ClaimEvent => ({
  claimId: 'CLM0001',
  at,
  seq: 1,
  type,
  status: 'SUBMITTED',
  detail,
});

// Two patients in one interchange / one check: the other one's data must never show.
const mine = makeClaim({ claimId: 'CLM0001' });
const theirs = makeDependentClaim({ claimId: 'CLM0002' });

const paid = (id: string, paidCents: number) => ({
  patientControlNumber: id,
  statusCode: '1',
  chargeCents: 12500,
  paidCents,
  patientResponsibilityCents: 0,
  payerClaimControlNumber: `PCN-${id}`,
  adjustments: [{ group: 'CO' as const, reason: '45', amountCents: 12500 - paidCents }],
  services: [],
  remarkCodes: [],
  patient: { lastName: id === 'CLM0001' ? 'TESTPATIENT' : 'OTHERPERSON', memberId: `M-${id}` },
});

const ack277 = (id: string, last: string) => ({
  patientControlNumber: id,
  billingProviderNpi: BILLING_NPI,
  billingProviderName: 'TEST BILLING CLINIC',
  patient: { lastName: last, memberId: `M-${id}` },
  categoryCode: 'A2',
  statusCode: '20',
  chargeCents: 12500,
  serviceDateFrom: '2026-01-15',
  payerClaimControlNumber: `PCN-${id}`,
});

describe('claimDocuments', () => {
  it('lists the interchange of each submission and each inbound file named by an event, once, oldest first', () => {
    const docs = claimDocuments([
      event('REMIT_POSTED', '2026-02-05T00:00:00Z', { fileKey: `inbound/835/simclear/${HASH_B}.x12` }),
      event('SUBMITTED', '2026-02-01T00:00:00Z', { interchangeControlNumber: '000000042' }),
      event('ACK_999', '2026-02-02T00:00:00Z', { fileKey: `inbound/999/simclear/${HASH_A}.x12` }),
      event('ACCEPTED', '2026-02-02T00:00:01Z', { fileKey: `inbound/999/simclear/${HASH_A}.x12` }),
      // Not ours to show: keys outside the inbound layout, and events naming nothing.
      event('NOTE', '2026-02-03T00:00:00Z', { fileKey: 'charges/PRAC1/file.csv' }),
      event('SCRUBBED', '2026-01-31T00:00:00Z', {}),
    ]);
    expect(docs.map((d) => [d.documentId, d.kind, d.direction, d.at])).toEqual([
      ['837P-42', '837P', 'sent', '2026-02-01T00:00:00Z'],
      [`999-${HASH_A}`, '999', 'received', '2026-02-02T00:00:00Z'],
      [`835-${HASH_B}`, '835', 'received', '2026-02-05T00:00:00Z'],
    ]);
    expect(docs[0]?.source).toEqual({ interchangeControlNumber: '42' });
  });
});

describe('documentView excerpts', () => {
  it("an 837P shows this claim's hierarchy and claim loop, not the other patient's", () => {
    const { x12 } = write837P({ claims: [mine, theirs], envelope: makeEnvelope() });
    const ref = claimDocuments([
      event('SUBMITTED', '2026-02-01T00:00:00Z', { interchangeControlNumber: 42 }),
    ])[0];
    if (!ref) throw new Error('no ref');
    const view = documentView(ref, x12, 'CLM0001');
    const ids = view.segments.map((s) => s.id);
    expect(ids.slice(0, 4)).toEqual(['ISA', 'GS', 'ST', 'BHT']);
    expect(ids.slice(-3)).toEqual(['SE', 'GE', 'IEA']);
    expect(view.segments.filter((s) => s.id === 'CLM').map((s) => s.elements[0])).toEqual(['CLM0001']);
    expect(view.raw).toContain('ALPHA');
    for (const other of ['JUNIOR', 'TESTSUBSCRIBER', 'MEMBER0002', 'CLM0002'])
      expect(view.raw).not.toContain(other);
    // Every kept segment is the file's own text, at its own position.
    for (const s of view.segments) expect(x12).toContain(s.text);
    expect(view.segments.map((s) => s.index)).toEqual(
      [...view.segments.map((s) => s.index)].sort((a, b) => a - b),
    );
    expect(view.parsed).toBeUndefined();

    const forTheirs = documentView(ref, x12, 'CLM0002');
    expect(forTheirs.raw).toContain('JUNIOR');
    expect(forTheirs.raw).not.toContain('ALPHA');
  });

  it("an 835 shows the payment header and this claim's CLP loop; parsed holds this claim only", () => {
    const x12 = remit835([paid('CLM0002', 9000), paid('CLM0001', 10000)]);
    const ref = claimDocuments([
      event('REMIT_POSTED', 'T', { fileKey: `inbound/835/simclear/${HASH_B}.x12` }),
    ])[0];
    if (!ref) throw new Error('no ref');
    const view = documentView(ref, x12, 'CLM0001');
    expect(view.segments.map((s) => s.id)).toEqual(
      expect.arrayContaining(['ISA', 'GS', 'ST', 'BPR', 'TRN', 'CLP', 'SE', 'GE', 'IEA']),
    );
    expect(view.segments.filter((s) => s.id === 'CLP').map((s) => s.elements[0])).toEqual(['CLM0001']);
    expect(view.raw).not.toContain('OTHERPERSON');
    expect(view.raw).not.toContain('M-CLM0002');
    expect(view.parsed?.kind).toBe('835');
    const parsed = view.parsed as { remittances: { traceNumber: string; claims: { paidCents: number }[] }[] };
    expect(parsed.remittances.map((r) => [r.traceNumber, r.claims.map((c) => c.paidCents)])).toEqual([
      ['TRACE1', [10000]],
    ]);
  });

  it("a 277CA shows this claim's status loop only; a 999 is shown whole", () => {
    const x12 = write277CA({
      envelope: makePayerEnvelope(),
      payer: { name: 'TEST PAYER', id: 'TESTPAYER1' },
      receiver: { name: 'CLAIMFLOW', id: 'CLAIMFLOW' },
      batchReference: '000000101',
      receiptDate: '2026-11-01',
      processDate: '2026-11-02',
      claims: [ack277('CLM0002', 'OTHERPERSON'), ack277('CLM0001', 'TESTPATIENT')],
    }).x12;
    const ref = claimDocuments([event('ACK', 'T', { fileKey: `inbound/277/simclear/${HASH_A}.x12` })])[0];
    if (!ref) throw new Error('no ref');
    const view = documentView(ref, x12, 'CLM0001');
    expect(view.kind).toBe('277CA');
    expect(view.raw).toContain('TRN*2*CLM0001');
    expect(view.raw).not.toContain('CLM0002');
    expect(view.raw).not.toContain('OTHERPERSON');
    expect(view.parsed).toMatchObject({
      kind: '277CA',
      statuses: [{ patientControlNumber: 'CLM0001', accepted: true, payerClaimControlNumber: 'PCN-CLM0001' }],
    });

    const ack = write999({
      envelope: makePayerEnvelope(),
      groupControlNumber: '7',
      transactions: [{ transactionSetId: '837', controlNumber: '0001', code: 'A' }],
    }).x12;
    const ref999 = claimDocuments([event('ACK', 'T', { fileKey: `inbound/999/simclear/${HASH_A}.x12` })])[0];
    if (!ref999) throw new Error('no ref');
    const v999 = documentView(ref999, ack, 'CLM0001');
    expect(v999.raw.split('\n')).toHaveLength(v999.segments.length);
    expect(v999.segments.map((s) => s.id)).toContain('AK1');
    expect(v999.parsed).toMatchObject({ kind: '999', acknowledgments: [{ groupControlNumber: '7' }] });
  });

  it("shows why an unbalanced 835 was held, and names the reader's refusal of a broken file", () => {
    const x12 = remit835([paid('CLM0001', 10000)], { paymentCentsOverride: 1 }); // BPR02 != CLP04 total
    const ref = claimDocuments([
      event('REMIT_POSTED', 'T', { fileKey: `inbound/835/simclear/${HASH_B}.x12` }),
    ])[0];
    if (!ref) throw new Error('no ref');
    const view = documentView(ref, x12, 'CLM0001');
    expect(view.parseError).toBeUndefined();
    const parsed = view.parsed as { remittances: { balanceIssues: { rule: string }[] }[] };
    expect(parsed.remittances[0]?.balanceIssues.map((i) => i.rule)).toEqual(['TRANSACTION']);

    const broken = x12.replace(/SE\*\d+\*/, 'SE*1*'); // wrong segment count
    const refused = documentView(ref, broken, 'CLM0001');
    expect(refused.segments.some((s) => s.id === 'CLP')).toBe(true);
    expect(refused.parseError).toMatch(/^[A-Z_]+$/);
    expect(refused.parsed).toBeUndefined();

    const notX12 = documentView(ref, 'hello', 'CLM0001');
    expect(notX12).toMatchObject({ segments: [], raw: '', parseError: 'NO_ISA' });
  });
});

describe('readClaimDocument', () => {
  const biller = (practiceIds: string[]): Caller => ({ sub: 'u1', role: 'biller', practiceIds });
  const world = () => {
    const audit: AccessAuditEntry[] = [];
    const reads: string[] = [];
    const x12 = write837P({ claims: [mine, theirs], envelope: makeEnvelope() }).x12;
    const ports: DocumentPorts = {
      getClaim: async (id) => (id === 'CLM0001' ? { practiceId: 'PRAC1' } : undefined),
      events: async () => [event('SUBMITTED', '2026-02-01T00:00:00Z', { interchangeControlNumber: '42' })],
      interchangeKey: async (icn) => (icn === '42' ? 'interchanges/837P/2026-02-01/P/42.x12' : undefined),
      readObject: async (key) => {
        reads.push(key);
        return key.endsWith('/42.x12') ? x12 : undefined;
      },
      audit: async (e) => {
        audit.push(e);
      },
      now: () => new Date('2026-03-01T00:00:00Z'),
    };
    return { ports, audit, reads };
  };

  it('returns the excerpt to a caller of the practice and audits the read', async () => {
    const w = world();
    const view = await readClaimDocument(w.ports, biller(['PRAC1']), 'CLM0001', '837P-42', { route: 'R' });
    expect(view?.segments.some((s) => s.id === 'CLM')).toBe(true);
    expect(w.audit).toMatchObject([
      { action: 'READ_DOCUMENT', outcome: 'OK', claimIds: ['CLM0001'], practiceIds: ['PRAC1'] },
    ]);
  });

  it('answers undefined (404) for another practice, an unknown claim or a document the claim does not name', async () => {
    const w = world();
    expect(
      await readClaimDocument(w.ports, biller(['PRAC2']), 'CLM0001', '837P-42', { route: 'R' }),
    ).toBeUndefined();
    expect(
      await readClaimDocument(w.ports, biller(['PRAC1']), 'CLM0009', '837P-42', { route: 'R' }),
    ).toBeUndefined();
    expect(
      await readClaimDocument(w.ports, biller(['PRAC1']), 'CLM0001', '837P-43', { route: 'R' }),
    ).toBeUndefined();
    expect(w.reads).toEqual([]); // nothing was read from storage for any of them
    expect(w.audit.map((a) => a.outcome)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
  });
});
