import { describe, expect, it, vi } from 'vitest';
import type { Claim } from '../../../shared/claims/model';
import { initialState } from '../../../shared/claims/state';
import { type Payer, parsePayer, withPayerRules } from '../../../shared/payers';
import { type SubmitPorts, submitBatch } from '../../../shared/services/submit';
import type { Write837PInput } from '../../../shared/x12';
import { cleanClaim } from '../scrub/claim';

// What the submitter hands the 837P writer (the writer itself turns payer.claimFilingIndicator into SBR09).
const written: Write837PInput[] = [];
vi.mock('../../../shared/x12', async (importOriginal) => {
  const x12 = await importOriginal<typeof import('../../../shared/x12')>();
  return {
    ...x12,
    write837P: (input: Write837PInput) => {
      written.push(structuredClone(input));
      return x12.write837P(input);
    },
  };
});

const at = '2026-11-01T00:00:00.000Z';
const config = {
  bucket: 'x12',
  senderId: 'CLAIMFLOW',
  receiverId: 'SIMCLEAR',
  usage: 'T' as const,
  submitter: { name: 'CLAIMFLOW', id: 'CLAIMFLOW', contactName: 'BILLING', contactEmail: 'b@example.com' },
  receiver: { name: 'SIMCLEAR', id: 'SIMCLEAR' },
};
const filing = (c: Claim) =>
  (c.payer as Claim['payer'] & { claimFilingIndicator?: string }).claimFilingIndicator;

async function submit(claims: Claim[], registry: Record<string, Payer> | undefined) {
  written.length = 0;
  const asked: string[] = [];
  const ports: SubmitPorts = {
    loadClaim: async (id) => {
      const claim = claims.find((c) => c.claimId === id);
      return claim && { claim, state: { ...initialState(id, at), status: 'SCRUBBED', version: 2, seq: 2 } };
    },
    ...(registry
      ? {
          getPayer: async (id: string) => {
            asked.push(id);
            return registry[id];
          },
        }
      : {}),
    nextControlNumber: async () => 1,
    putObject: async () => {},
    getObject: async () => '',
    sendToClearinghouse: async () => {},
    getInterchange: async () => undefined,
    recordSubmission: async () => {},
    markSent: async () => {},
    markNeedsCorrection: async () => {},
    succeed: async () => {},
    fail: async () => {},
    now: () => new Date(at),
  };
  const outcome = await submitBatch(
    claims.map((c, i) => ({ claimId: c.claimId, taskToken: `tok-${i}`, recordId: `r${i}` })),
    config,
    ports,
  );
  const sent = written.at(-1)?.claims ?? [];
  return { outcome, asked, sent };
}

describe('submit: SBR09 from the payer registry', () => {
  const medicare = parsePayer({ payerId: 'SIMPAYER1', name: 'ONE', claimFilingIndicator: 'MB' });
  const claims = [cleanClaim({ claimId: 'CSBR000000000001' }), cleanClaim({ claimId: 'CSBR000000000002' })];

  it("writes each claim with its payer's claim filing indicator, asking the registry once per payer", async () => {
    const { outcome, asked, sent } = await submit(claims, { SIMPAYER1: medicare });
    expect(outcome.interchanges).toHaveLength(1);
    expect(asked).toEqual(['SIMPAYER1']);
    expect(sent.map(filing)).toEqual(['MB', 'MB']);
    expect(claims.map(filing)).toEqual([undefined, undefined]); // the loaded claims are not changed
  });

  it('a payer not in the registry, or no registry, gets CI', async () => {
    expect((await submit(claims, {})).sent.map(filing)).toEqual(['CI', 'CI']);
    expect((await submit(claims, undefined)).sent.map(filing)).toEqual(['CI', 'CI']);
  });

  it('withPayerRules sets only the filing indicator', () => {
    const c = cleanClaim();
    const mapped = withPayerRules(c, medicare);
    expect(mapped).toEqual({ ...c, payer: { ...c.payer, claimFilingIndicator: 'MB' } });
    expect(filing(c)).toBeUndefined();
  });
});
