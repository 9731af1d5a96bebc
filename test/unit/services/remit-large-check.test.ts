/**
 * Posting one check (one 835 ST/SE) of many claims: pass 2 posts from a stream of claim payments,
 * so the first claim is posted long before the file has been read to its end (the check is never
 * held in memory), every claim payment is posted once with its outcome, and a replay posts
 * nothing twice. Counts, not time; the memory figure is in `npm run bench` (docs/performance.md).
 */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../../shared/claims/model';
import { chargeEntries, type LedgerEntry } from '../../../shared/posting/ledger';
import { postRemittanceFile, type RemitPorts, type WorkItem } from '../../../shared/services/remit';
import type { ClaimPayment835Input } from '../../../shared/x12';
import { remit835 } from '../../support/remit';
import { makeClaim } from '../x12/fixtures';

const CLAIMS = 5000;
const CHUNK = 4096;

/** Minimal in-memory ports: one ledger per claim, posting markers, once-only delivery. */
function books(claims: Map<string, Claim>) {
  const ledgers = new Map<string, LedgerEntry[]>();
  const markers = new Set<string>();
  const delivered = new Set<string>();
  const work: WorkItem[] = [];
  const records: string[] = [];
  const counts = { posts: 0, firstPostAtChunk: -1, chunksRead: 0 };
  const ports: RemitPorts = {
    loadClaim: async (id) => claims.get(id),
    ledger: async (id) => {
      let entries = ledgers.get(id);
      if (!entries) {
        entries = chargeEntries(claims.get(id) as Claim);
        ledgers.set(id, entries);
      }
      return { entries: [...entries], version: markers.has(id) ? 1 : 0 };
    },
    post: async (claimId, key, entries) => {
      if (markers.has(`${claimId}|${key}`)) return 'duplicate';
      markers.add(`${claimId}|${key}`);
      markers.add(claimId);
      ledgers.get(claimId)?.push(...entries);
      counts.posts++;
      if (counts.firstPostAtChunk < 0) counts.firstPostAtChunk = counts.chunksRead;
      return 'posted';
    },
    postProviderAdjustment: async () => 'posted',
    deliver: async (_claimId, _outcome, key) => {
      if (delivered.has(key)) return 'duplicate';
      delivered.add(key);
      return 'answered';
    },
    recordRemit: async (header, _fileKey, status, progress) => {
      records.push(`${header.traceNumber} ${status} ${header.claimCount} ${progress.postedClaims ?? '-'}`);
    },
    workItem: async (w) => {
      work.push(w);
    },
    now: () => new Date('2026-11-01T00:00:00Z'),
  };
  return { ports, ledgers, delivered, work, records, counts };
}

function payment(id: string): ClaimPayment835Input {
  return {
    patientControlNumber: id,
    statusCode: '1',
    chargeCents: 12500,
    paidCents: 10000,
    patientResponsibilityCents: 0,
    payerClaimControlNumber: `PCN-${id}`,
    adjustments: [{ group: 'CO', reason: '45', amountCents: 2500 }],
    services: [],
    remarkCodes: [],
  };
}

describe('postRemittanceFile: one check of many claims', () => {
  const ids = Array.from({ length: CLAIMS }, (_, k) => `L${k}`);
  const claims = new Map(ids.map((id) => [id, makeClaim({ claimId: id })])); // 125.00 each
  // the unmatched claim payment sits in the middle of the check
  const payments = ids.map(payment);
  payments.splice(CLAIMS / 2, 0, payment('NOSUCHCLAIM'));
  const x12 = remit835(payments, { traceNumber: 'BIGCHECK' });
  const chunks = Math.ceil(x12.length / CHUNK);

  it('posts each claim payment as it is read, once, and a replay posts nothing', async () => {
    const world = books(claims);
    const open = async () =>
      (async function* () {
        world.counts.chunksRead = 0;
        for (let i = 0; i < x12.length; i += CHUNK) {
          world.counts.chunksRead++;
          yield x12.slice(i, i + CHUNK);
        }
      })();

    const first = await postRemittanceFile(open, 'remits/big.835', world.ports);
    expect(first).toMatchObject({ remits: 1, held: 0, posted: CLAIMS, duplicates: 0, unmatched: 1 });
    expect(world.counts.posts).toBe(CLAIMS);
    expect(world.delivered.size).toBe(CLAIMS);
    // streamed: the first posting happened within the first few chunks of the second pass
    expect(world.counts.firstPostAtChunk).toBeGreaterThan(0);
    expect(world.counts.firstPostAtChunk).toBeLessThan(chunks / 10);
    expect(world.work.map((w) => `${w.kind} ${w.reference}`)).toEqual([
      'UNMATCHED_REMIT BIGCHECK/NOSUCHCLAIM',
    ]);
    expect(world.records).toEqual([
      `BIGCHECK RECEIVED ${CLAIMS + 1} -`,
      `BIGCHECK PARTIAL ${CLAIMS + 1} ${CLAIMS}`,
    ]);
    const paidEntries = [...world.ledgers.values()].flat().filter((e) => e.kind === 'PAYMENT');
    expect(paidEntries).toHaveLength(CLAIMS);
    expect(paidEntries.reduce((t, e) => t + e.amountCents, 0)).toBe(10000 * CLAIMS);

    const replay = await postRemittanceFile(open, 'remits/big.835', world.ports);
    expect(replay).toMatchObject({ posted: 0, duplicates: CLAIMS, unmatched: 1 });
    expect(world.counts.posts).toBe(CLAIMS);
    expect(world.delivered.size).toBe(CLAIMS);
    expect([...world.ledgers.values()].flat().filter((e) => e.kind === 'PAYMENT')).toHaveLength(CLAIMS);
  });
});
