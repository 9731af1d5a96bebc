import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../shared/claims/model';
import {
  balances,
  chargeEntries,
  type LedgerEntry,
  type ProviderLedgerEntry,
} from '../../../shared/posting/ledger';
import {
  postRemittanceFile,
  type RemitHeader,
  type RemitPorts,
  type RemitRecordStatus,
  type WorkItem,
} from '../../../shared/services/remit';
import { type ClaimPayment835Input, write835 } from '../../../shared/x12';
import type { ProviderAdjustment } from '../../../shared/x12/types';
import { remit835 } from '../../support/remit';
import { makeClaim, makePayerEnvelope } from '../x12/fixtures';

class Crash extends Error {}

/**
 * An in-memory store with the repositories' semantics: posting markers, the claim ledger's version
 * guard, the trace's PAID/PLB items, remit records, once-only delivery per key. `crashAt` makes the
 * n-th write (1-based) throw AFTER it was applied, as a Lambda dying right after a write would.
 */
class Books {
  readonly ledgers = new Map<string, LedgerEntry[]>();
  readonly versions = new Map<string, number>();
  readonly markers = new Set<string>();
  readonly paid = new Map<string, Map<string, number>>();
  readonly plb = new Map<string, Map<number, ProviderLedgerEntry>>();
  readonly provider = new Map<string, ProviderLedgerEntry[]>();
  readonly remits = new Map<string, { header: RemitHeader; status: RemitRecordStatus; issues?: string[] }>();
  readonly delivered = new Map<string, { claimId: string; route: string; paidCents: number }>();
  readonly work: WorkItem[] = [];
  writes = 0;
  crashAt: number | undefined;
  /** Runs before a post's write (to simulate a concurrent writer); cleared after one use. */
  beforePost: (() => void) | undefined;

  constructor(readonly claims: Claim[]) {
    for (const c of claims) this.ledgers.set(c.claimId, chargeEntries(c));
  }

  private wrote(): void {
    this.writes++;
    if (this.crashAt === this.writes) throw new Crash(`crash after write ${this.writes}`);
  }

  postUnchecked(claimId: string, key: string, entries: LedgerEntry[]): void {
    this.markers.add(`${claimId}|${key}`);
    this.ledgers.get(claimId)?.push(...entries);
    this.versions.set(claimId, (this.versions.get(claimId) ?? 0) + 1);
  }

  entries(claimId: string): LedgerEntry[] {
    return this.ledgers.get(claimId) ?? [];
  }

  remitEntries(): LedgerEntry[] {
    return [...this.ledgers.values()].flat().filter((e) => e.kind !== 'CHARGE');
  }

  reconcile(trace: string) {
    const bpr02Cents = this.remits.get(trace)?.header.paymentCents;
    const postedClaimPaymentCents = [...(this.paid.get(trace)?.values() ?? [])].reduce((t, v) => t + v, 0);
    const plbCents = [...(this.plb.get(trace)?.values() ?? [])].reduce((t, e) => t + e.amountCents, 0);
    return { bpr02Cents, postedClaimPaymentCents, plbCents };
  }

  get ports(): RemitPorts {
    return {
      loadClaim: async (id) => this.claims.find((c) => c.claimId === id),
      ledger: async (id) => ({ entries: [...this.entries(id)], version: this.versions.get(id) ?? 0 }),
      post: async (claimId, key, entries, guard) => {
        const hook = this.beforePost;
        this.beforePost = undefined;
        hook?.();
        if (this.markers.has(`${claimId}|${key}`)) return 'duplicate';
        if ((this.versions.get(claimId) ?? 0) !== guard.version) return 'conflict';
        this.postUnchecked(claimId, key, entries);
        const paid = this.paid.get(guard.traceNumber) ?? new Map<string, number>();
        paid.set(key, guard.paidCents);
        this.paid.set(guard.traceNumber, paid);
        this.wrote();
        return 'posted';
      },
      postProviderAdjustment: async (entry) => {
        const byIndex = this.plb.get(entry.traceNumber) ?? new Map<number, ProviderLedgerEntry>();
        const posted = byIndex.get(entry.index);
        if (posted) return posted.amountCents === entry.amountCents ? 'duplicate' : 'mismatch';
        byIndex.set(entry.index, entry);
        this.plb.set(entry.traceNumber, byIndex);
        this.provider.set(entry.providerId, [...(this.provider.get(entry.providerId) ?? []), entry]);
        this.wrote();
        return 'posted';
      },
      deliver: async (claimId, outcome, key) => {
        if (this.delivered.has(key)) return 'duplicate';
        this.delivered.set(key, { claimId, route: outcome.route, paidCents: outcome.paidCents });
        this.wrote();
        return 'answered';
      },
      recordRemit: async (header, _fileKey, status, progress) => {
        const existing = this.remits.get(header.traceNumber);
        if (status === 'RECEIVED' && existing && existing.status !== 'HELD') return;
        if (status === 'HELD' && existing && existing.status !== 'HELD') return;
        this.remits.set(header.traceNumber, {
          header,
          status,
          ...(progress.issues ? { issues: progress.issues } : {}),
        });
        this.wrote();
      },
      workItem: async (w) => {
        this.work.push(w);
        this.wrote();
      },
      now: () => new Date('2026-11-01T00:00:00Z'),
    };
  }
}

const claims = ['C1', 'C2', 'C3'].map((id) => makeClaim({ claimId: id })); // 125.00 each

function paid(id: string, opts: { paidCents?: number; pcn?: string } = {}): ClaimPayment835Input {
  const paidCents = opts.paidCents ?? 10000;
  return {
    patientControlNumber: id,
    statusCode: '1',
    chargeCents: 12500,
    paidCents,
    patientResponsibilityCents: 0,
    payerClaimControlNumber: opts.pcn ?? `PCN-${id}`,
    adjustments: [{ group: 'CO', reason: '45', amountCents: 12500 - paidCents }],
    services: [],
    remarkCodes: [],
  };
}

function reversal(id: string, pcn = `PCN-${id}`, paidCents = 10000): ClaimPayment835Input {
  return {
    patientControlNumber: id,
    statusCode: '22',
    chargeCents: -12500,
    paidCents: -paidCents,
    patientResponsibilityCents: 0,
    payerClaimControlNumber: pcn,
    adjustments: [{ group: 'CO', reason: '45', amountCents: -(12500 - paidCents) }],
    services: [],
    remarkCodes: [],
  };
}

const plb = (amountCents: number, reason = 'WO'): ProviderAdjustment => ({
  providerId: '1234567893',
  fiscalPeriodDate: '2026-12-31',
  reason,
  reference: 'REF1',
  amountCents,
});

/** The ST..SE segments of a one-transaction 835 written by remit835. */
function transactionSet(x12: string): string[] {
  const segs = x12.split('~').filter((s) => s !== '');
  const st = segs.findIndex((s) => s.startsWith('ST*'));
  const se = segs.findIndex((s) => s.startsWith('SE*'));
  return segs.slice(st, se + 1);
}

/** One interchange holding several 835 transaction sets (ST02 renumbered 0001, 0002, ...). */
function multi835(sets: string[], opts: { ieaControl?: string } = {}): string {
  const segs = (sets[0] as string).split('~').filter((s) => s !== '');
  const isa = segs[0] as string;
  const gs = segs[1] as string;
  const body = sets.flatMap((x, i) => {
    const n = String(i + 1).padStart(4, '0');
    return transactionSet(x).map((s) =>
      s.startsWith('ST*')
        ? s.replace(/^ST\*835\*\d+/, `ST*835*${n}`)
        : s.startsWith('SE*')
          ? s.replace(/\*\d+$/, `*${n}`)
          : s,
    );
  });
  const gsControl = gs.split('*')[6];
  const isaControl = isa.split('*')[13];
  const out = [isa, gs, ...body, `GE*${sets.length}*${gsControl}`, `IEA*1*${opts.ieaControl ?? isaControl}`];
  return `${out.join('~')}~`;
}

/** A source that can be opened any number of times (as the S3 GET is), counting the opens. */
function opener(text: string) {
  const counter = { opens: 0 };
  const open = async () => {
    counter.opens++;
    return (async function* () {
      for (let i = 0; i < text.length; i += 97) yield text.slice(i, i + 97);
    })();
  };
  return { open, counter };
}

describe('postRemittanceFile: the whole file is checked before anything is posted', () => {
  it('posts nothing from a file whose SECOND transaction set does not balance, and holds it naming the rule', async () => {
    const good = remit835([paid('C1')], { traceNumber: 'T-GOOD' });
    const bad = remit835([paid('C2')], { traceNumber: 'T-BAD', paymentCentsOverride: 1 });
    const b = new Books(claims);
    const { open, counter } = opener(multi835([good, bad]));
    const out = await postRemittanceFile(open, 'inbound/two.x12', b.ports);
    expect(counter.opens).toBe(1); // held after the validation pass: never opened for posting
    expect(out).toMatchObject({ posted: 0, held: 2 });
    expect(b.remitEntries()).toEqual([]);
    expect(b.delivered.size).toBe(0);
    expect(b.work).toEqual([
      {
        kind: 'REMIT_HELD',
        reference: 'inbound/two.x12',
        detail: expect.objectContaining({ rule: 'TRANSACTION', traceNumbers: ['T-GOOD', 'T-BAD'] }),
      },
    ]);
    expect(b.remits.get('T-GOOD')?.status).toBe('HELD');
    expect(b.remits.get('T-BAD')?.status).toBe('HELD');
    expect(b.remits.get('T-BAD')?.issues?.[0]).toMatch(/^TRANSACTION: .*BPR02 = 1 cents/);
  });

  it('posts nothing when the interchange trailer is wrong after a good transaction set', async () => {
    const good = remit835([paid('C1')], { traceNumber: 'T-1' });
    const b = new Books(claims);
    const out = await postRemittanceFile(
      opener(multi835([good], { ieaControl: '000000999' })).open,
      'inbound/iea.x12',
      b.ports,
    );
    expect(out.posted).toBe(0);
    expect(b.remitEntries()).toEqual([]);
    expect(b.delivered.size).toBe(0);
    expect(b.work.map((w) => [w.kind, w.detail.rule])).toEqual([['REMIT_HELD', 'CONTROL_NUMBER_MISMATCH']]);
    expect(b.remits.get('T-1')?.status).toBe('HELD');
  });

  it('holds a claim that breaks the claim balancing rule, naming it', async () => {
    const broken = { ...paid('C2'), adjustments: [{ group: 'CO' as const, reason: '45', amountCents: 100 }] };
    const b = new Books(claims);
    await postRemittanceFile(
      remit835([paid('C1'), broken], { traceNumber: 'T-CLM' }),
      'inbound/c.x12',
      b.ports,
    );
    expect(b.remitEntries()).toEqual([]);
    expect(b.work[0]).toMatchObject({ kind: 'REMIT_HELD', detail: { rule: 'CLAIM' } });
  });

  it('holds a transaction set paying the same claim twice under one payer claim number', async () => {
    const b = new Books(claims);
    const out = await postRemittanceFile(
      remit835([paid('C1'), paid('C1')], { traceNumber: 'T-DUP' }),
      'inbound/d.x12',
      b.ports,
    );
    expect(out.posted).toBe(0);
    expect(b.remitEntries()).toEqual([]);
    expect(b.work[0]).toMatchObject({ kind: 'REMIT_HELD', detail: { rule: 'DUPLICATE_CLAIM_PAYMENT' } });
  });

  it('holds a file with the same trace number in two transaction sets', async () => {
    const b = new Books(claims);
    const x12 = multi835([
      remit835([paid('C1')], { traceNumber: 'T-TWICE' }),
      remit835([paid('C2')], { traceNumber: 'T-TWICE' }),
    ]);
    await postRemittanceFile(x12, 'inbound/t.x12', b.ports);
    expect(b.remitEntries()).toEqual([]);
    expect(b.work[0]).toMatchObject({ kind: 'REMIT_HELD', detail: { rule: 'DUPLICATE_TRACE' } });
  });

  it('posts every set of a valid multi-set file, reading it twice', async () => {
    const b = new Books(claims);
    const { open, counter } = opener(
      multi835([
        remit835([paid('C1')], { traceNumber: 'T-A' }),
        remit835([paid('C2')], { traceNumber: 'T-B' }),
      ]),
    );
    const out = await postRemittanceFile(open, 'inbound/ok.x12', b.ports);
    expect(counter.opens).toBe(2);
    expect(out).toMatchObject({ remits: 2, posted: 2, held: 0 });
    expect(b.remits.get('T-A')?.status).toBe('POSTED');
    expect(b.remits.get('T-B')?.status).toBe('POSTED');
  });

  it('a corrected file under a held trace posts and the record says POSTED', async () => {
    const b = new Books(claims);
    await postRemittanceFile(
      remit835([paid('C1')], { traceNumber: 'T-FIX', paymentCentsOverride: 5 }),
      'inbound/1.x12',
      b.ports,
    );
    expect(b.remits.get('T-FIX')?.status).toBe('HELD');
    await postRemittanceFile(remit835([paid('C1')], { traceNumber: 'T-FIX' }), 'inbound/2.x12', b.ports);
    expect(b.remits.get('T-FIX')?.status).toBe('POSTED');
    expect(balances(b.entries('C1')).paymentsCents).toBe(10000);
  });
});

describe('postRemittanceFile: checked against what is already posted to the claim', () => {
  it('does not post the same payments re-sent under a new trace number, and delivers no second outcome', async () => {
    const b = new Books(claims);
    await postRemittanceFile(
      remit835([paid('C1'), paid('C2')], { traceNumber: 'T-1' }),
      'inbound/1.x12',
      b.ports,
    );
    const out = await postRemittanceFile(
      remit835([paid('C1'), paid('C2')], { traceNumber: 'T-2' }),
      'inbound/2.x12',
      b.ports,
    );
    expect(out).toMatchObject({ posted: 0, refused: 2 });
    expect(balances(b.entries('C1'))).toMatchObject({ paymentsCents: 10000, balanceCents: 0 });
    expect(balances(b.entries('C2'))).toMatchObject({ paymentsCents: 10000, balanceCents: 0 });
    expect([...b.delivered.values()].map((d) => d.claimId)).toEqual(['C1', 'C2']);
    expect(b.work.map((w) => [w.kind, w.reference, w.detail.problem])).toEqual([
      ['DUPLICATE_REMIT', 'T-2/C1', 'SAME_ADJUDICATION'],
      ['DUPLICATE_REMIT', 'T-2/C2', 'SAME_ADJUDICATION'],
    ]);
    expect(b.remits.get('T-2')?.status).toBe('PARTIAL');
    expect(b.reconcile('T-2')).toEqual({ bpr02Cents: 20000, postedClaimPaymentCents: 0, plbCents: 0 });
  });

  it('makes a CREDIT_BALANCE work item of a second adjudication that would pay more than the charges', async () => {
    const b = new Books(claims);
    await postRemittanceFile(remit835([paid('C1')], { traceNumber: 'T-1' }), 'inbound/1.x12', b.ports);
    await postRemittanceFile(
      remit835([paid('C1', { pcn: 'OTHER', paidCents: 9000 })], { traceNumber: 'T-2' }),
      'inbound/2.x12',
      b.ports,
    );
    expect(balances(b.entries('C1')).paymentsCents).toBe(10000);
    expect(b.work).toEqual([
      {
        kind: 'CREDIT_BALANCE',
        reference: 'T-2/C1',
        detail: expect.objectContaining({
          problem: 'PAYMENTS_EXCEED_CHARGES',
          paidCents: 9000,
          postedPaymentsCents: 10000,
          chargesCents: 12500,
        }),
      },
    ]);
    expect(b.delivered.size).toBe(1);
  });

  it('makes a CREDIT_BALANCE work item of a first adjudication paying more than the charges', async () => {
    const b = new Books(claims);
    const over = {
      ...paid('C1'),
      paidCents: 13000,
      adjustments: [{ group: 'CO' as const, reason: '45', amountCents: -500 }],
    };
    await postRemittanceFile(remit835([over], { traceNumber: 'T-OVER' }), 'inbound/o.x12', b.ports);
    expect(b.remitEntries()).toEqual([]);
    expect(b.work.map((w) => w.kind)).toEqual(['CREDIT_BALANCE']);
    expect(b.delivered.size).toBe(0);
  });

  it('posts a reversal and the new adjudication that follows it, in the same file and in a later one', async () => {
    const b = new Books(claims);
    await postRemittanceFile(
      remit835([paid('C1'), paid('C2')], { traceNumber: 'T-1' }),
      'inbound/1.x12',
      b.ports,
    );
    // same file: reversal then correction
    await postRemittanceFile(
      remit835([reversal('C1'), paid('C1', { pcn: 'PCN-C1B', paidCents: 11000 })], { traceNumber: 'T-2' }),
      'inbound/2.x12',
      b.ports,
    );
    // separate files
    await postRemittanceFile(remit835([reversal('C2')], { traceNumber: 'T-3' }), 'inbound/3.x12', b.ports);
    await postRemittanceFile(
      remit835([paid('C2', { paidCents: 12000 })], { traceNumber: 'T-4' }),
      'inbound/4.x12',
      b.ports,
    );
    expect(b.work).toEqual([]);
    expect(balances(b.entries('C1'))).toMatchObject({ paymentsCents: 11000, balanceCents: 0 });
    expect(balances(b.entries('C2'))).toMatchObject({ paymentsCents: 12000, balanceCents: 0 });
    for (const t of ['T-1', 'T-2', 'T-3', 'T-4']) {
      const r = b.reconcile(t);
      expect(r.postedClaimPaymentCents - r.plbCents).toBe(r.bpr02Cents);
    }
  });

  it("posts a replacement claim's adjudication over the replaced one (no payer reversal), once", async () => {
    const original = makeClaim({ claimId: 'C7' });
    const b = new Books([original]);
    const denied = { ...paid('C7', { paidCents: 0 }), statusCode: '4' };
    denied.adjustments = [{ group: 'CO', reason: '16', amountCents: 12500 }];
    await postRemittanceFile(remit835([denied], { traceNumber: 'T-1' }), 'inbound/1.x12', b.ports);
    // corrected and resubmitted as frequency 7 replacing the payer's PCN-C7
    b.claims[0] = { ...original, frequencyCode: '7', originalPayerClaimNumber: 'PCN-C7' };
    const replacement = paid('C7', { pcn: 'PCN-C7R', paidCents: 11000 });
    await postRemittanceFile(remit835([replacement], { traceNumber: 'T-2' }), 'inbound/2.x12', b.ports);
    expect(b.work).toEqual([]);
    expect(balances(b.entries('C7'))).toEqual({
      chargesCents: 12500,
      paymentsCents: 11000,
      adjustmentsCents: 1500,
      patientResponsibilityCents: 0,
      writeOffCents: 0,
      balanceCents: 0,
    });
    expect([...b.delivered.values()].map((d) => [d.claimId, d.paidCents])).toEqual([
      ['C7', 0],
      ['C7', 11000],
    ]);
    // the replacement's adjudication re-sent under a new trace posts nothing
    await postRemittanceFile(remit835([replacement], { traceNumber: 'T-3' }), 'inbound/3.x12', b.ports);
    expect(balances(b.entries('C7')).paymentsCents).toBe(11000);
    expect(b.work.map((w) => [w.kind, w.detail.problem])).toEqual([['DUPLICATE_REMIT', 'SAME_ADJUDICATION']]);
    expect(b.delivered.size).toBe(2);
  });

  it('makes a work item of a posting too large for one transaction and goes on with the others', async () => {
    const b = new Books(claims);
    b.beforePost = () => {
      throw Object.assign(new Error('posting for claim C1 has 120 entries'), {
        name: 'TransactionTooLargeError',
      });
    };
    const out = await postRemittanceFile(
      remit835([paid('C1'), paid('C2')], { traceNumber: 'T-BIG' }),
      'inbound/big.x12',
      b.ports,
    );
    expect(out).toMatchObject({ posted: 1, mismatched: 1 });
    expect(b.work.map((w) => [w.kind, w.reference, w.detail.problem])).toEqual([
      ['REMIT_MISMATCH', 'T-BIG/C1', 'POSTING_TOO_LARGE'],
    ]);
    expect([...b.delivered.values()].map((d) => d.claimId)).toEqual(['C2']);
    expect(b.remits.get('T-BIG')?.status).toBe('PARTIAL');
  });

  it('refuses a reversal of a claim with nothing posted', async () => {
    const b = new Books(claims);
    await postRemittanceFile(remit835([reversal('C3')], { traceNumber: 'T-R' }), 'inbound/r.x12', b.ports);
    expect(b.remitEntries()).toEqual([]);
    expect(b.work.map((w) => [w.kind, w.detail.problem])).toEqual([['REMIT_MISMATCH', 'NOTHING_TO_REVERSE']]);
  });

  it('re-checks against the ledger when another posting reaches the claim first', async () => {
    const b = new Books(claims);
    // Another file (another trace) posts C1's adjudication between our ledger read and our write.
    b.beforePost = () =>
      b.postUnchecked('C1', 'T-OTHER/C1/PCN-C1', [
        {
          ...chargeEntries(claims[0] as Claim)[0],
          entryId: 'R-other-001',
          kind: 'PAYMENT',
          amountCents: 10000,
          source: { payerClaimControlNumber: 'PCN-C1' },
        } as LedgerEntry,
        {
          ...chargeEntries(claims[0] as Claim)[0],
          entryId: 'R-other-002',
          kind: 'ADJUSTMENT',
          amountCents: 2500,
          source: { payerClaimControlNumber: 'PCN-C1' },
        } as LedgerEntry,
      ]);
    const out = await postRemittanceFile(
      remit835([paid('C1')], { traceNumber: 'T-1' }),
      'inbound/1.x12',
      b.ports,
    );
    expect(out.posted).toBe(0);
    expect(balances(b.entries('C1'))).toMatchObject({ paymentsCents: 10000, balanceCents: 0 });
    expect(b.work.map((w) => w.kind)).toEqual(['DUPLICATE_REMIT']);
  });
});

describe('postRemittanceFile: provider-level adjustments (PLB)', () => {
  it('posts PLBs to the provider account once, so each 835 reconciles (CLP04 - PLB = BPR02)', async () => {
    const b = new Books(claims);
    const x12 = write835WithPlb();
    const first = await postRemittanceFile(x12, 'inbound/plb.x12', b.ports);
    expect(first.providerAdjustments).toBe(2);
    expect(b.provider.get('1234567893')?.map((e) => [e.reason, e.amountCents])).toEqual([
      ['WO', 1500],
      ['L6', -200],
    ]);
    expect(b.reconcile('T-PLB')).toEqual({
      bpr02Cents: 20000 - 1300,
      postedClaimPaymentCents: 20000,
      plbCents: 1300,
    });
    const again = await postRemittanceFile(x12, 'inbound/plb.x12', b.ports);
    expect(again).toMatchObject({ posted: 0, duplicates: 2, providerAdjustments: 0 });
    expect(b.provider.get('1234567893')).toHaveLength(2);
    expect(b.reconcile('T-PLB').plbCents).toBe(1300);
  });
});

function write835WithPlb(): string {
  // remit835 has no PLB option: write through the project's writer with the same parties.
  return remit835WithAdjustments([paid('C1'), paid('C2')], [plb(1500, 'WO'), plb(-200, 'L6')], 'T-PLB');
}

function remit835WithAdjustments(
  claimsPaid: ClaimPayment835Input[],
  providerAdjustments: ProviderAdjustment[],
  traceNumber: string,
): string {
  return write835({
    envelope: makePayerEnvelope(),
    payer: {
      name: 'PAYER',
      identifier: '1999999999',
      address: { line1: '1 A ST', city: 'X', state: 'CT', zip: '061030001' },
    },
    payee: { name: 'CLINIC', npi: '1234567893' },
    traceNumber,
    paymentMethod: 'ACH',
    paymentDate: '2026-11-01',
    claims: claimsPaid,
    providerAdjustments,
  }).x12;
}

describe('postRemittanceFile: a trace number re-used for other money', () => {
  it('makes work items, never silently skips, when the same trace comes back with other amounts', async () => {
    const b = new Books(claims);
    const first = remit835WithAdjustments([paid('C1')], [plb(500)], 'T-SAME');
    await postRemittanceFile(first, 'inbound/1.x12', b.ports);
    const other = remit835WithAdjustments([paid('C1', { paidCents: 9000 })], [plb(400)], 'T-SAME');
    const out = await postRemittanceFile(other, 'inbound/2.x12', b.ports);
    expect(out).toMatchObject({ posted: 0, duplicates: 0, mismatched: 2 });
    expect(b.work.map((w) => [w.kind, w.reference, w.detail.problem])).toEqual([
      ['REMIT_MISMATCH', 'T-SAME/C1', 'POSTED_WITH_OTHER_AMOUNTS'],
      ['REMIT_MISMATCH', 'T-SAME/PLB1', 'POSTED_WITH_OTHER_AMOUNTS'],
    ]);
    expect(balances(b.entries('C1')).paymentsCents).toBe(10000);
    expect(b.reconcile('T-SAME').plbCents).toBe(500);
    expect(b.delivered.size).toBe(1);
    expect(b.remits.get('T-SAME')?.status).toBe('PARTIAL');
  });
});

describe('postRemittanceFile: a crash after any write, then redelivery', () => {
  /** What a clean run leaves: ledgers, deliveries, PLB postings, remit statuses. */
  function state(b: Books) {
    return {
      entries: b
        .remitEntries()
        .map((e) => `${e.claimId}:${e.entryId}:${e.amountCents}`)
        .sort(),
      delivered: [...b.delivered.keys()].sort(),
      plb: [...b.provider.values()]
        .flat()
        .map((e) => e.entryId)
        .sort(),
      remits: [...b.remits.entries()].map(([t, r]) => `${t}:${r.status}`).sort(),
      work: [...new Set(b.work.map((w) => `${w.kind}:${w.reference}`))].sort(),
    };
  }

  it('completes what the first run started and posts nothing twice, wherever it stopped', async () => {
    const x12 = multi835([
      remit835([paid('C1'), paid('ZZZ')], { traceNumber: 'T-A' }),
      remit835WithAdjustments([paid('C2'), paid('C3')], [plb(700)], 'T-B'),
    ]);
    const clean = new Books(claims);
    await postRemittanceFile(x12, 'inbound/x.x12', clean.ports);
    const total = clean.writes;
    expect(total).toBeGreaterThan(8);
    for (let k = 1; k <= total; k++) {
      const b = new Books(claims);
      b.crashAt = k;
      await expect(postRemittanceFile(x12, 'inbound/x.x12', b.ports)).rejects.toBeInstanceOf(Crash);
      b.crashAt = undefined;
      await postRemittanceFile(x12, 'inbound/x.x12', b.ports);
      expect(state(b), `crash after write ${k}`).toEqual(state(clean));
      for (const t of ['T-B']) {
        const r = b.reconcile(t);
        expect(r.postedClaimPaymentCents - r.plbCents).toBe(r.bpr02Cents);
      }
    }
  });
});
