import { describe, expect, it } from 'vitest';
import type { ClaimState } from '../../../shared/claims/state';
import { type Payer, parsePayer } from '../../../shared/payers';
import type { ScrubFinding } from '../../../shared/scrub';
import { scrubStoredClaim } from '../../../shared/services/scrub';
import { cleanClaim, line } from './claim';

const state: ClaimState = {
  claimId: 'CTEST000000000001',
  status: 'RECEIVED',
  version: 1,
  seq: 1,
  followUps: 0,
  pending: {},
  updatedAt: '2026-11-01T00:00:00.000Z',
};

async function run(registry: Record<string, Payer>, claim = cleanClaim()) {
  const saved: { findings: ScrubFinding[]; status: string; asked: string[] } = {
    findings: [],
    status: '',
    asked: [],
  };
  const result = await scrubStoredClaim(
    claim.claimId,
    { timelyFilingDays: 365 },
    {
      loadClaim: async () => claim,
      getState: async () => state,
      getPayer: async (id) => {
        saved.asked.push(id);
        return registry[id];
      },
      saveScrub: async (_from, next, _event, findings) => {
        saved.findings = findings;
        saved.status = next.status;
        return true;
      },
      now: () => new Date('2026-11-01T12:00:00.000Z'),
    },
  );
  return { result, ...saved };
}

describe('scrubStoredClaim with the payer registry', () => {
  const late = () => cleanClaim({ lines: [line({ dateOfService: '2026-07-01' })] }); // 123 days

  it("applies the registered payer's timely filing window", async () => {
    const tight = parsePayer({ payerId: 'SIMPAYER1', name: 'ONE', timelyFilingDays: 90 });
    const r = await run({ SIMPAYER1: tight }, late());
    expect(r.asked).toEqual(['SIMPAYER1']);
    expect(r.result).toEqual({ ok: false, errorCount: 1, warningCount: 0 });
    expect(r.findings.map((f) => f.rule)).toEqual(['TIMELY_FILING']);
    expect(r.status).toBe('RECEIVED');
  });

  it('a payer missing from the registry gets the default window and a warning, and is still scrubbed clean', async () => {
    const r = await run({}, late());
    expect(r.result).toEqual({ ok: true, errorCount: 0, warningCount: 1 });
    expect(r.findings.map((f) => f.rule)).toEqual(['PAYER_NOT_IN_REGISTRY']);
    expect(r.status).toBe('SCRUBBED');
  });
});
