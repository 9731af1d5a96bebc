/** Voids and corrections of claims whose execution ended, on in-memory ports. */
import { describe, expect, it } from 'vitest';
import type { ClaimEvent, ClaimStatus } from '../../../shared/claims/model';
import { type ClaimState, initialState } from '../../../shared/claims/state';
import type { Caller } from '../../../shared/workbench/access';
import type { AccessAuditEntry } from '../../../shared/workbench/audit';
import { type CorrectionPorts, correctClaim } from '../../../shared/workbench/correct-claim';
import { type VoidPorts, type VoidRecord, voidClaim } from '../../../shared/workbench/void';
import { makeClaim } from '../../integration/store/harness';

const AT = '2026-02-01T12:00:00.000Z';
const manager: Caller = { sub: 'm', role: 'manager', practiceIds: ['PRAC1'] };
const biller: Caller = { sub: 'b', role: 'biller', practiceIds: ['PRAC1'] };
const outsider: Caller = { sub: 'x', role: 'admin', practiceIds: ['PRAC2'] };

function record(status: ClaimStatus, over: Partial<VoidRecord> = {}): VoidRecord {
  return {
    ...initialState('CLMV1', AT),
    status,
    version: 7,
    seq: 7,
    practiceId: 'PRAC1',
    claim: makeClaim('CLMV1'),
    payerClaimControlNumber: 'PCN-1',
    submission: { tokenHash: 'h' },
    ...over,
  };
}

/** In-memory ports shared by both use cases: version-checked saves, recorded starts and audits. */
function fake(initial: VoidRecord) {
  let current = initial;
  const audits: AccessAuditEntry[] = [];
  const events: ClaimEvent[] = [];
  const started: { name: string; input: unknown }[] = [];
  const resumes: { output: unknown; kind: string | undefined }[] = [];
  const save = async (from: VoidRecord, next: ClaimState, claim: VoidRecord['claim'], event: ClaimEvent) => {
    if (from.version !== current.version) return false;
    current = { ...current, ...next, claim };
    events.push(event);
    return true;
  };
  const common = {
    getClaim: async (id: string) => (id === current.claimId ? structuredClone(current) : undefined),
    startExecution: async (_id: string, name: string, input: unknown) => {
      const again = started.some((s) => s.name === name);
      started.push({ name, input });
      return again ? ('exists' as const) : ('started' as const);
    },
    audit: async (e: AccessAuditEntry) => void audits.push(e),
    now: () => new Date(AT),
  };
  const voids: VoidPorts = {
    ...common,
    saveVoid: (from, next, claim, event) => save(from, next, claim, event),
  };
  const corrections: CorrectionPorts = {
    ...common,
    saveCorrection: (from, next, claim, _findings, event) => save(from as VoidRecord, next, claim, event),
    resume: async (_id, output, kind) => {
      resumes.push({ output, kind });
      return 'answered';
    },
    timelyFilingDays: 365,
  };
  return { voids, corrections, audits, events, started, resumes, current: () => current };
}

const voidRequest = (version = 7) => ({ version, reason: 'SENT_IN_ERROR' as const, route: 'POST /v' });

describe('voidClaim', () => {
  it('saves a closed claim as a frequency-8 void of the payer claim number and starts its execution', async () => {
    const f = fake(record('CLOSED'));
    const r = await voidClaim(f.voids, manager, 'CLMV1', voidRequest());
    expect(r).toEqual({
      kind: 'voided',
      execution: 'CLMV1-void-7',
      started: 'started',
      payerClaimControlNumber: 'PCN-1',
    });
    expect(f.current().claim).toMatchObject({ frequencyCode: '8', originalPayerClaimNumber: 'PCN-1' });
    expect(f.started).toEqual([{ name: 'CLMV1-void-7', input: { claimId: 'CLMV1', void: true } }]);
    expect(f.events.map((e) => [e.type, e.detail?.by, e.detail?.reason])).toEqual([
      ['VOID_REQUESTED', 'm', 'SENT_IN_ERROR'],
    ]);
    expect(f.audits).toMatchObject([
      {
        action: 'VOID_CLAIM',
        outcome: 'OK',
        sub: 'm',
        changes: [
          { path: 'frequencyCode', before: '1', after: '8' },
          { path: 'originalPayerClaimNumber', after: 'PCN-1' },
        ],
      },
    ]);
  });

  it('a retried request starts nothing new and changes nothing more', async () => {
    const f = fake(record('CLOSED'));
    await voidClaim(f.voids, manager, 'CLMV1', voidRequest());
    const again = await voidClaim(f.voids, manager, 'CLMV1', voidRequest());
    expect(again).toMatchObject({ kind: 'voided', execution: 'CLMV1-void-7', started: 'exists' });
    expect(f.events).toHaveLength(1);
    // Both attempts audited; only the first made (and holds) the change.
    expect(f.audits.map((a) => [a.outcome, a.changes?.length ?? 0])).toEqual([
      ['OK', 2],
      ['OK', 0],
    ]);
    expect(new Set(f.started.map((s) => s.name))).toEqual(new Set(['CLMV1-void-7']));
  });

  it('a biller is forbidden, another practice sees nothing, each attempt audited', async () => {
    const f = fake(record('CLOSED'));
    expect((await voidClaim(f.voids, biller, 'CLMV1', voidRequest())).kind).toBe('forbidden');
    expect((await voidClaim(f.voids, outsider, 'CLMV1', voidRequest())).kind).toBe('not_found');
    expect(f.audits.map((a) => a.outcome)).toEqual(['REFUSED', 'NOT_FOUND']);
    expect(f.started).toEqual([]);
    expect(f.current().claim.frequencyCode).toBe('1');
  });

  it('refuses a claim never sent, one the payer has no number for, one in flight, one voided', async () => {
    const cases: [VoidRecord, string][] = [
      [
        record('NEEDS_CORRECTION', { payerClaimControlNumber: undefined, submission: undefined }),
        'never_sent',
      ],
      [record('HUMAN_REVIEW', { payerClaimControlNumber: undefined }), 'not_on_file'],
      [record('ACCEPTED'), 'in_progress'],
      [record('APPEAL'), 'in_progress'],
      [record('VOIDED'), 'already_voided'],
    ];
    for (const [rec, kind] of cases) {
      const f = fake(rec);
      const r = await voidClaim(f.voids, manager, 'CLMV1', voidRequest());
      expect(r).toMatchObject({ kind, status: rec.status });
      expect(r).toHaveProperty('reason');
      expect(f.started).toEqual([]);
    }
    const stale = fake(record('CLOSED'));
    expect((await voidClaim(stale.voids, manager, 'CLMV1', voidRequest(5))).kind).toBe('conflict');
  });
});

describe('correctClaim of a claim whose execution ended', () => {
  const edit = { fields: { billing_name: 'TEST CLINIC RENAMED' } };
  const req = (version = 7) => ({ version, edit, route: 'POST /c' });

  it('an adjudicated closed claim becomes a CORRECTED replacement (7 + REF*F8) in a new execution', async () => {
    const f = fake(record('CLOSED'));
    const r = await correctClaim(f.corrections, biller, 'CLMV1', req());
    expect(r).toMatchObject({
      kind: 'corrected',
      status: 'CORRECTED',
      resumed: 'started',
      frequencyCode: '7',
    });
    expect(f.current()).toMatchObject({ status: 'CORRECTED', version: 8 });
    expect(f.current().claim).toMatchObject({ frequencyCode: '7', originalPayerClaimNumber: 'PCN-1' });
    expect(f.started).toEqual([{ name: 'CLMV1-fix-7', input: { claimId: 'CLMV1' } }]);
    expect(f.events[0]?.detail).toMatchObject({
      from: 'CLOSED',
      execution: 'CLMV1-fix-7',
      frequencyCode: '7',
    });
    const changes = f.audits.at(-1)?.changes?.map((c) => c.path);
    expect(changes).toEqual(
      expect.arrayContaining(['billingProvider.name', 'frequencyCode', 'originalPayerClaimNumber', 'status']),
    );
  });

  it('a claim the payer never adjudicated goes out again as an original', async () => {
    const f = fake(record('HUMAN_REVIEW', { payerClaimControlNumber: undefined }));
    const r = await correctClaim(f.corrections, biller, 'CLMV1', req());
    expect(r).toMatchObject({ kind: 'corrected', frequencyCode: '1' });
    expect(f.current().claim).not.toHaveProperty('originalPayerClaimNumber');
  });

  it('the same request retried starts the same execution, and nothing new once it has', async () => {
    const f = fake(record('SECONDARY'));
    await correctClaim(f.corrections, biller, 'CLMV1', req());
    const again = await correctClaim(f.corrections, biller, 'CLMV1', req());
    expect(again).toMatchObject({ kind: 'corrected', resumed: 'exists' });
    expect(f.events).toHaveLength(1);
    expect(new Set(f.started.map((s) => s.name))).toEqual(new Set(['CLMV1-fix-7']));
    // Another edit from the stale version is a conflict, not a retry.
    const other = await correctClaim(f.corrections, biller, 'CLMV1', {
      ...req(),
      edit: { fields: { billing_name: 'SOMETHING ELSE' } },
    });
    expect(other.kind).toBe('conflict');
  });

  it('a claim under appeal: the correction waits for NeedsCorrection, the appeal wait goes to Correct', async () => {
    const f = fake(record('APPEAL'));
    const r = await correctClaim(f.corrections, biller, 'CLMV1', req());
    expect(r).toMatchObject({ kind: 'corrected', status: 'APPEAL', resumed: 'answered' });
    expect(f.resumes.map((x) => x.kind)).toEqual([undefined, 'APPEAL']);
    expect(f.resumes[1]?.output).toEqual({ route: 'CORRECT' });
    expect(f.started).toEqual([]);
  });

  it('a claim in flight is not correctable', async () => {
    const f = fake(record('ACCEPTED'));
    expect(await correctClaim(f.corrections, biller, 'CLMV1', req())).toEqual({
      kind: 'not_correctable',
      status: 'ACCEPTED',
    });
  });
});
