/**
 * The workbench API on the local runtime (what `npm start` serves): the same `api` handler behind
 * the local HTTP API, local HS256 tokens, the whole pipeline behind it. A scrub-stopped claim is
 * corrected over HTTP and the simulator takes it to a resting state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime';
import { generateDemoChargeCsv } from '../../../local/sample-data/generate';

let rt: LocalRuntime;
let biller: string;
let other: string;
const today = new Date().toISOString().slice(0, 10);

interface Finding {
  rule: string;
  field?: string;
}
interface Detail {
  version: number;
  summary: { status: string };
  scrubFindings: Finding[];
  timeline: { type: string }[];
}

const api = async (path: string, token?: string, body?: unknown) =>
  fetch(`${rt.apiUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Edits that fix the demo generator's defects (a bad NPI check digit, a malformed diagnosis). */
function fixFor(findings: Finding[]): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  for (const f of findings) {
    if (f.rule === 'NPI_CHECK_DIGIT' && f.field === 'billing_npi') fields.billing_npi = '1234567893';
    else if (f.rule === 'ICD10_FORMAT' && f.field && /^dx\d+$/.test(f.field)) fields[f.field] = 'I10';
    else return undefined;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

beforeAll(async () => {
  rt = await startLocalRuntime({ seed: 11 });
  await rt.uploadChargeFile(
    'PRAC1',
    'api.csv',
    generateDemoChargeCsv({ seed: 11, practiceId: 'PRAC1', claims: 10, today, errorRate: 0.5, badRows: 0 }),
  );
  await rt.settle();
  biller = await rt.apiToken({ sub: 'local-biller', groups: ['PRAC1', 'biller'] });
  other = await rt.apiToken({ sub: 'other-biller', groups: ['PRAC2', 'biller'] });
}, 240_000);
afterAll(async () => rt?.stop());

describe('workbench API on the local runtime', () => {
  it('serves the OpenAPI document openly and refuses a request without a token', async () => {
    const doc = (await (await api('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/claims/{claimId}/correction');
    const res = await api('/api/claims');
    expect(res.status).toBe(401);
  });

  it('corrects a scrub-stopped claim over HTTP; the pipeline takes it on to a resting state', async () => {
    const page = (await (await api('/api/claims?status=NEEDS_CORRECTION&limit=100', biller)).json()) as {
      items: { claimId: string }[];
    };
    expect(page.items.length).toBeGreaterThan(0);
    let corrected: string | undefined;
    for (const { claimId } of page.items) {
      const detail = (await (await api(`/api/claims/${claimId}`, biller)).json()) as Detail;
      const fields = fixFor(detail.scrubFindings);
      if (!fields) continue;
      // Another practice's biller cannot see or change it.
      expect((await api(`/api/claims/${claimId}`, other)).status).toBe(404);
      const refused = await api(`/api/claims/${claimId}/correction`, other, {
        version: detail.version,
        fields,
      });
      expect(refused.status).toBe(404);
      const res = await api(`/api/claims/${claimId}/correction`, biller, { version: detail.version, fields });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { resumed: string }).resumed).toBe('answered');
      corrected = claimId;
      break;
    }
    if (!corrected) throw new Error('no claim with a fixable finding in the generated file');
    await rt.settle();
    const after = (await (await api(`/api/claims/${corrected}`, biller)).json()) as Detail;
    const types = after.timeline.map((e) => e.type);
    expect(types.slice(types.indexOf('CORRECTION_SAVED'))).toEqual(
      expect.arrayContaining(['CORRECTION_SAVED', 'SCRUBBED', 'SUBMITTED']),
    );
    expect(['CLOSED', 'APPEAL', 'SECONDARY', 'HUMAN_REVIEW', 'NEEDS_CORRECTION']).toContain(
      after.summary.status,
    );
  }, 240_000);

  it("shows a closed claim's 837P, 999, 277CA and 835 as excerpts of that claim only", async () => {
    const page = (await (await api('/api/claims?status=CLOSED&limit=100', biller)).json()) as {
      items: { claimId: string }[];
    };
    const ids = page.items.map((c) => c.claimId);
    const claimId = ids[0];
    if (!claimId) throw new Error('no closed claim in the generated file');
    const detail = (await (await api(`/api/claims/${claimId}`, biller)).json()) as {
      documents: { documentId: string; kind: string; direction: string }[];
    };
    expect(new Set(detail.documents.map((d) => d.kind))).toEqual(new Set(['837P', '999', '277CA', '835']));
    for (const doc of detail.documents) {
      const res = await api(`/api/claims/${claimId}/documents/${doc.documentId}`, biller);
      expect(res.status).toBe(200);
      const view = (await res.json()) as { raw: string; parsed?: { kind: string }; parseError?: string };
      expect(view.parseError).toBeUndefined();
      if (doc.kind !== '999') {
        expect(view.raw).toContain(claimId);
        // The simulator batches claims: no other claim of the run shows in this claim's excerpt.
        for (const other of ids.filter((id) => id !== claimId)) expect(view.raw).not.toContain(other);
      }
      if (doc.kind !== '837P') expect(view.parsed?.kind).toBe(doc.kind);
      // Another practice's biller gets the same 404 as for a document that does not exist.
      expect((await api(`/api/claims/${claimId}/documents/${doc.documentId}`, other)).status).toBe(404);
    }
    expect((await api(`/api/claims/${claimId}/documents/837P-999999999`, biller)).status).toBe(404);
    expect((await api(`/api/claims/${claimId}/documents/not-an-id`, biller)).status).toBe(400);
  }, 60_000);
});
