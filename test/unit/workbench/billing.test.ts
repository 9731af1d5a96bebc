import { describe, expect, it } from 'vitest';
import type { ClaimEvent } from '../../../shared/claims/model';
import type { LedgerEntry } from '../../../shared/posting/ledger';
import type { Caller } from '../../../shared/workbench/access';
import type { AccessAuditEntry } from '../../../shared/workbench/audit';
import {
  appendClaimEvent,
  type BillingPorts,
  type ClaimRecordState,
  openAppeal,
  postPatientPayment,
  recordAppealOutcome,
  writeOffPatientBalance,
} from '../../../shared/workbench/billing';
import type { PatientEntry } from '../../../shared/workbench/patient-ledger';
import { charges, fakeClaim } from './billing-fixtures';

const claim = fakeClaim('C1');
const at = '2026-02-01T00:00:00.000Z';
const ledger: LedgerEntry[] = [
  ...charges(claim),
  { entryId: 'R-1', claimId: 'C1', kind: 'PAYMENT', amountCents: 8000, source: {}, at },
  {
    entryId: 'R-2',
    claimId: 'C1',
    kind: 'PATIENT_RESPONSIBILITY',
    amountCents: 2000,
    group: 'PR',
    source: {},
    at,
  },
];
const record: ClaimRecordState = {
  claimId: 'C1',
  practiceId: 'PRAC1',
  status: 'PATIENT_BALANCE',
  version: 3,
  seq: 3,
  followUps: 0,
  pending: {},
  createdAt: at,
  updatedAt: at,
  claim,
};
const biller: Caller = { sub: 'b', role: 'biller', practiceIds: ['PRAC1'] };
const manager: Caller = { sub: 'm', role: 'manager', practiceIds: ['PRAC1'] };
const outsider: Caller = { sub: 'x', role: 'admin', practiceIds: ['PRAC2'] };
const req = { route: 'POST /x', requestId: 'r1' };

/** In-memory ports; `conflicts` makes the next N saves answer 'conflict' (a concurrent writer). */
function fakePorts(conflicts = 0) {
  const patient: PatientEntry[] = [];
  const audits: AccessAuditEntry[] = [];
  const saved: ClaimEvent[] = [];
  const resumes: { decision: unknown; mode: string }[] = [];
  let version = 0;
  let pendingConflicts = conflicts;
  let current = { ...record };
  const ports: BillingPorts = {
    getClaim: async (id) => (id === 'C1' ? current : undefined),
    events: async () => saved,
    ledger: async () => ledger,
    practiceClaims: async () => [current],
    interchange: async () => undefined,
    saveEventOnce: async (from, to, event) => {
      if (pendingConflicts > 0) {
        pendingConflicts--;
        current = { ...current, version: current.version + 1, seq: current.seq + 1 };
        return 'conflict';
      }
      expect(from.version).toBe(current.version);
      saved.push(event);
      current = { ...current, ...to };
      return 'saved';
    },
    patientLedger: async () => ({ entries: [...patient], version }),
    postPatientEntry: async (entry, v) => {
      if (pendingConflicts > 0) {
        pendingConflicts--;
        // Another payment of 1500 landed meanwhile.
        patient.push({ ...entry, entryId: 'P-other', amountCents: 1500 });
        version++;
        return 'conflict';
      }
      if (v !== version) return 'conflict';
      patient.push(entry);
      version++;
      return 'posted';
    },
    getRun: async () => undefined,
    saveRun: async () => {
      throw new Error('unused');
    },
    listStatements: async () => [],
    getStatement: async () => undefined,
    audit: async (e) => {
      audits.push(e);
    },
    appealConfig: {},
    resumeAppeal: async (_id, decision, mode) => {
      resumes.push({ decision, mode });
      return mode === 'deliver' ? 'answered' : 'none';
    },
    now: () => new Date('2026-03-01T00:00:00.000Z'),
  };
  return {
    ports,
    patient,
    audits,
    saved,
    resumes,
    setCurrent: (patch: Partial<typeof current>) => {
      current = { ...current, ...patch };
    },
  };
}

const payment = (key: string, amountCents: number) => ({
  key,
  amountCents,
  method: 'CASH' as const,
  receivedOn: '2026-03-01',
});

describe('billing use cases', () => {
  it("answers not_found for another practice's claim and audits the attempt", async () => {
    const { ports, audits, patient } = fakePorts();
    expect(await postPatientPayment(ports, outsider, 'C1', payment('k', 100), req)).toEqual({
      ok: false,
      error: 'not_found',
    });
    expect(patient).toEqual([]);
    expect(audits).toMatchObject([
      { action: 'POST_PATIENT_PAYMENT', outcome: 'NOT_FOUND', claimIds: ['C1'], sub: 'x' },
    ]);
  });

  it('re-checks the balance after a concurrent posting instead of overpaying', async () => {
    const { ports, patient } = fakePorts(1);
    const r = await postPatientPayment(ports, biller, 'C1', payment('k', 1000), req);
    // 2000 owed, 1500 posted concurrently: 1000 no longer fits.
    expect(r).toMatchObject({ ok: false, error: 'exceeds_balance' });
    expect(patient.map((p) => p.amountCents)).toEqual([1500]);
  });

  it('write-offs need a manager', async () => {
    const { ports, patient } = fakePorts();
    const input = { key: 'w', amountCents: 300, reason: 'small balance' };
    expect(await writeOffPatientBalance(ports, biller, 'C1', input, req)).toEqual({
      ok: false,
      error: 'forbidden',
    });
    const ok = await writeOffPatientBalance(ports, manager, 'C1', input, req);
    expect(ok).toMatchObject({
      ok: true,
      value: { posted: 'posted', balance: { writeOffCents: 300, balanceCents: 1700 } },
    });
    expect(patient[0]).toMatchObject({ kind: 'PATIENT_WRITE_OFF', reason: 'small balance', by: 'm' });
  });

  it('appendClaimEvent keeps the status, adds the detail and retries a version conflict', async () => {
    const { ports, saved } = fakePorts(2);
    expect(await appendClaimEvent(ports, 'C1', 'APPEAL_OUTCOME', { outcome: 'UPHELD' }, 'K', at)).toBe(
      'saved',
    );
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      type: 'APPEAL_OUTCOME',
      status: 'PATIENT_BALANCE',
      seq: 6,
      detail: { outcome: 'UPHELD' },
    });
  });
});

describe('recordAppealOutcome', () => {
  const denialLedger: LedgerEntry[] = [
    ...charges(claim),
    {
      entryId: 'R-9',
      claimId: 'C1',
      kind: 'ADJUSTMENT',
      amountCents: 10000,
      group: 'CO',
      carc: '50',
      source: { traceNumber: 'TD', payerClaimControlNumber: 'PCN-D' },
      at,
    },
  ];
  const denial: ClaimEvent = {
    claimId: 'C1',
    at,
    seq: 2,
    type: 'REMIT_POSTED',
    status: 'APPEAL',
    detail: { paidCents: 0, carcs: ['CO-50'], traceNumber: 'TD', payerClaimControlNumber: 'PCN-D' },
  };
  /** The fake ports on a claim under appeal, with once-only markers and the claim patch kept. */
  function appealPorts(status: ClaimRecordState['status'] = 'APPEAL') {
    const f = fakePorts();
    f.setCurrent({ status });
    const markers = new Set<string>();
    const patches: unknown[] = [];
    const ports: BillingPorts = {
      ...f.ports,
      events: async () => [denial],
      ledger: async () => denialLedger,
      saveEventOnce: async (from, to, event, marker, attrs) => {
        if (markers.has(marker)) return 'duplicate';
        markers.add(marker);
        patches.push(attrs?.claim?.reprocessedPayerClaimNumber);
        return f.ports.saveEventOnce(from, to, event, marker);
      },
    };
    return { ...f, ports, patches };
  }
  const won = { outcome: 'OVERTURNED' as const, decidedOn: '2026-03-15' };

  it('won: answers the appeal wait once with REMIT and marks the denial for reprocessing', async () => {
    const { ports, resumes, patches, saved, audits } = appealPorts();
    expect(await recordAppealOutcome(ports, biller, 'C1', won, req)).toEqual({
      ok: true,
      value: { recorded: 'saved', route: 'REMIT', resumed: 'answered' },
    });
    expect(patches).toEqual(['PCN-D']);
    expect(saved[0]?.detail).toMatchObject({ outcome: 'OVERTURNED', route: 'REMIT', by: 'b' });
    expect(audits.at(-1)?.changes).toContainEqual({ path: 'appeal.route', before: 'APPEAL', after: 'REMIT' });
    // The same request again records nothing and only answers a wait still open.
    expect(await recordAppealOutcome(ports, biller, 'C1', won, req)).toMatchObject({
      value: { recorded: 'duplicate', resumed: 'none' },
    });
    expect(resumes.map((r) => r.mode)).toEqual(['deliver', 'answer-only']);
    expect(resumes[0]?.decision).toEqual({ route: 'REMIT', outcome: 'OVERTURNED', decidedOn: '2026-03-15' });
  });

  it('upheld: human review by default; a write-off only for a manager', async () => {
    const lost = { outcome: 'UPHELD' as const, decidedOn: '2026-03-15' };
    const a = appealPorts();
    expect(await recordAppealOutcome(a.ports, biller, 'C1', lost, req)).toMatchObject({
      value: { route: 'HUMAN_REVIEW' },
    });
    expect(a.patches).toEqual([undefined]);
    const b = appealPorts();
    expect(await recordAppealOutcome(b.ports, biller, 'C1', { ...lost, next: 'WRITE_OFF' }, req)).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect(b.saved).toEqual([]);
    expect(
      await recordAppealOutcome(b.ports, manager, 'C1', { ...lost, next: 'WRITE_OFF' }, req),
    ).toMatchObject({ value: { route: 'WRITE_OFF', resumed: 'answered' } });
  });

  it("the appeal deadline is the payer registry's window, as the workflow's timer", async () => {
    const { ports } = appealPorts();
    const withRegistry = { ...ports, appealDays: async () => 30 };
    const r = await openAppeal(withRegistry, biller, 'C1', req);
    if (!r.ok) throw new Error(r.error);
    expect([r.value.appealDays, r.value.deadline]).toEqual([30, '2026-03-03']);
    const fallback = await openAppeal({ ...ports, appealDays: async () => undefined }, biller, 'C1', req);
    expect(fallback.ok && fallback.value.appealDays).toBe(180);
  });

  it('a claim that waits on no appeal: the outcome is recorded, nothing is answered', async () => {
    const { ports, resumes } = appealPorts('CLOSED');
    expect(await recordAppealOutcome(ports, biller, 'C1', won, req)).toMatchObject({
      value: { recorded: 'saved', resumed: 'none' },
    });
    expect(resumes).toEqual([]);
  });
});
