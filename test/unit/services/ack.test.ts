import { describe, expect, it } from 'vitest';
import { type AckPorts, processAckFile } from '../../../shared/services/ack';
import type { ClaimAckDecision } from '../../../shared/services/acks';
import type { Delivery } from '../../../shared/services/outcomes';
import type { WorkItem } from '../../../shared/services/remit';
import { write277CA, write999 } from '../../../shared/x12';
import { BILLING_NPI, makePayerEnvelope } from '../x12/fixtures';

const file = { key: 'inbound/simclear/ack.x12', contentHash: 'f'.repeat(64) };

function fakes(interchanges: Record<string, string[]>, delivery: Delivery = 'answered') {
  const delivered: { decision: ClaimAckDecision; key: string }[] = [];
  const noted: { decision: ClaimAckDecision; key: string }[] = [];
  const work: WorkItem[] = [];
  const ports: AckPorts = {
    claimsOfInterchange: async (gcn) => interchanges[gcn],
    deliver: async (decision, key) => {
      delivered.push({ decision, key });
      return delivery;
    },
    note: async (decision, key) => {
      noted.push({ decision, key });
      return 'saved';
    },
    workItem: async (w) => void work.push(w),
  };
  return { ports, delivered, noted, work };
}

const ack999 = (gcn: string, code: 'A' | 'R') =>
  write999({
    envelope: makePayerEnvelope(),
    groupControlNumber: gcn,
    transactions: [{ transactionSetId: '837', controlNumber: '0101', code }],
  }).x12;

function claim277(id: string, category: string, status: string, pcn?: string) {
  return {
    patientControlNumber: id,
    billingProviderNpi: BILLING_NPI,
    billingProviderName: 'TEST BILLING CLINIC',
    patient: { lastName: 'TESTPATIENT', memberId: 'MEMBER0001' },
    categoryCode: category,
    statusCode: status,
    chargeCents: 12500,
    serviceDateFrom: '2026-01-15',
    ...(pcn ? { payerClaimControlNumber: pcn } : {}),
  };
}

describe('processAckFile', () => {
  it('a rejecting 999 rejects every claim of the interchange it names', async () => {
    const f = fakes({ '101': ['CA', 'CC'], '102': ['CB'] });
    const out = await processAckFile(ack999('101', 'R'), '999', file, f.ports);
    expect(out).toMatchObject({ decisions: 2, answered: 2, unmatched: 0 });
    expect(f.delivered.map((d) => [d.decision.claimId, d.decision.outcome])).toEqual([
      ['CA', { accepted: false, source: '999', codes: ['IK5:R'] }],
      ['CC', { accepted: false, source: '999', codes: ['IK5:R'] }],
    ]);
    expect(f.delivered.every((d) => d.key === `ACK#${'f'.repeat(32)}`)).toBe(true);
    expect(f.noted).toEqual([]);
  });

  it('matches the group control number numerically (leading zeros)', async () => {
    const f = fakes({ '101': ['CA'] });
    await processAckFile(ack999('000101', 'R'), '999', file, f.ports);
    expect(f.delivered.map((d) => d.decision.claimId)).toEqual(['CA']);
  });

  it('an accepting 999 only notes an event: no token is answered', async () => {
    const f = fakes({ '101': ['CA', 'CC'] });
    const out = await processAckFile(ack999('101', 'A'), '999', file, f.ports);
    expect(f.delivered).toEqual([]);
    expect(f.noted.map((n) => [n.decision.claimId, n.decision.event, n.decision.outcome])).toEqual([
      ['CA', 'ACK_999_ACCEPTED', undefined],
      ['CC', 'ACK_999_ACCEPTED', undefined],
    ]);
    expect(out.answered).toBe(0);
  });

  it('a 999 for an interchange we never sent becomes a work item', async () => {
    const f = fakes({});
    const out = await processAckFile(ack999('555', 'R'), '999', file, f.ports);
    expect(out.unmatched).toBe(1);
    expect(f.delivered).toEqual([]);
    expect(f.work).toEqual([{ kind: 'UNMATCHED_ACK', reference: '999/555', detail: { fileKey: file.key } }]);
  });

  it('a 999 naming a non-numeric group control number is unmatched, never looked up', async () => {
    const f = fakes({ NaN: ['CX'] });
    const looked: string[] = [];
    const claimsOf = f.ports.claimsOfInterchange;
    f.ports.claimsOfInterchange = async (gcn) => {
      looked.push(gcn);
      return claimsOf(gcn);
    };
    const out = await processAckFile(ack999('ABC12', 'R'), '999', file, f.ports);
    expect(looked).toEqual([]);
    expect(out.unmatched).toBe(1);
    expect(f.delivered).toEqual([]);
    expect(f.work.map((w) => [w.kind, w.reference])).toEqual([['UNMATCHED_ACK', '999/ABC12']]);
  });

  it('a 277CA decides per claim, carrying the payer claim number of an accepted one', async () => {
    const x12 = write277CA({
      envelope: makePayerEnvelope(),
      payer: { name: 'TEST PAYER', id: 'TESTPAYER1' },
      receiver: { name: 'CLAIMFLOW', id: 'CLAIMFLOW' },
      batchReference: '000000101',
      receiptDate: '2026-11-01',
      processDate: '2026-11-02',
      claims: [claim277('CA', 'A2', '20', 'PCN-A'), claim277('CB', 'A7', '562')],
    }).x12;
    const f = fakes({});
    const out = await processAckFile(x12, '277', file, f.ports);
    expect(out).toMatchObject({ decisions: 2, answered: 2 });
    expect(f.delivered.map((d) => [d.decision.claimId, d.decision.event, d.decision.outcome])).toEqual([
      [
        'CA',
        'ACK_277CA_ACCEPTED',
        { accepted: true, source: '277CA', codes: ['A2:20'], payerClaimControlNumber: 'PCN-A' },
      ],
      ['CB', 'ACK_277CA_REJECTED', { accepted: false, source: '277CA', codes: ['A7:562'] }],
    ]);
  });

  it('counts a replayed file as duplicates and an ack for an unknown claim as unmatched', async () => {
    const x12 = write277CA({
      envelope: makePayerEnvelope(),
      payer: { name: 'TEST PAYER', id: 'TESTPAYER1' },
      receiver: { name: 'CLAIMFLOW', id: 'CLAIMFLOW' },
      batchReference: '1',
      receiptDate: '2026-11-01',
      processDate: '2026-11-02',
      claims: [claim277('CA', 'A1', '20')],
    }).x12;
    const dup = fakes({}, 'duplicate');
    expect((await processAckFile(x12, '277', file, dup.ports)).duplicates).toBe(1);
    expect(dup.work).toEqual([]);
    const none = fakes({}, 'no-claim');
    expect((await processAckFile(x12, '277', file, none.ports)).unmatched).toBe(1);
    expect(none.work.map((w) => [w.kind, w.reference])).toEqual([['UNMATCHED_ACK', '277/CA']]);
  });

  it('holds a malformed file for a person and delivers nothing', async () => {
    const f = fakes({ '101': ['CA'] });
    const out = await processAckFile('ISA*this is not X12~', '999', file, f.ports);
    expect(out.decisions).toBe(0);
    expect(f.delivered).toEqual([]);
    expect(f.work.map((w) => [w.kind, w.reference])).toEqual([['ACK_HELD', file.key]]);
  });

  it('holds a 277CA sent to the 999 reader (wrong transaction)', async () => {
    const x12 = write277CA({
      envelope: makePayerEnvelope(),
      payer: { name: 'TEST PAYER', id: 'TESTPAYER1' },
      receiver: { name: 'CLAIMFLOW', id: 'CLAIMFLOW' },
      batchReference: '1',
      receiptDate: '2026-11-01',
      processDate: '2026-11-02',
      claims: [claim277('CA', 'A1', '20')],
    }).x12;
    const f = fakes({ '1': ['CA'] });
    await processAckFile(x12, '999', file, f.ports);
    expect(f.delivered).toEqual([]);
    expect(f.work[0]?.kind).toBe('ACK_HELD');
    expect(f.work[0]?.detail.code).toBe('WRONG_TRANSACTION');
  });
});
