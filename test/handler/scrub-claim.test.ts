/**
 * scrub-claim with the deployer's reference data in S3 (aws-sdk-client-mock): the NCCI table and CPT
 * list are read once per container and run with the other rules; missing objects mean no NCCI edits
 * and format-only CPT; a malformed table fails the invocation. The NCCI table is SYNTHETIC (made-up
 * edits on made-up codes).
 */
import { readFileSync } from 'node:fs';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServiceLine } from '../../shared/claims/model';
import { initialState } from '../../shared/claims/state';
import { claimBatchGet } from '../support/claim-items';
import { fakeContext, quietPowertools } from '../support/lambda';
import { makeClaim, makeLine } from '../unit/x12/fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
/** The Scrub state's input (lambda:invoke.waitForTaskToken). */
const EVENT = { claimId: 'CLM0001', execution: { claimId: 'CLM0001' }, taskToken: 'TOKEN-1' };
type Result = { ok: boolean; errorCount: number; warningCount: number };
type Handler = (e: unknown, c: unknown) => Promise<Result>;

const BUCKET = 'claimflow-charges-123456789012-us-east-1';
const NCCI_KEY = 'reference/ncci.json';
const CPT_KEY = 'reference/cpt.txt';
const at = '2026-11-01T00:00:00.000Z';

const NCCI_TABLE = {
  format: 'claimflow-ncci/1',
  generatedAt: '2026-12-01T00:00:00.000Z',
  sources: [{ file: 'ptp.txt', kind: 'ptp', rows: 1 }],
  counts: { ptpPairs: 1, ptpColumn1Codes: 1, mueCodes: 0 },
  // 0Z003 is never billed with 0Z001 on one date of service, whatever the modifiers (indicator 0)
  ptp: { '0Z001': '0Z003,20250101,,0' },
  mue: {},
};

const line = (n: number, procedureCode: string): ServiceLine =>
  makeLine({ lineId: `L${n}`, procedureCode, dateOfService: '2026-10-15' });
const claim = makeClaim({
  claimId: 'CLM0001',
  lines: [line(1, '0Z001'), line(2, '0Z003'), line(3, '99214')],
  totalChargeCents: 3 * 12500,
});

const body = (text: string) => ({ transformToString: async () => text }) as never;
const notFound = () => Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
const denied = () =>
  Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

async function loadHandler(env: Record<string, string | undefined> = {}): Promise<Handler> {
  vi.resetModules();
  quietPowertools();
  process.env.TABLE_NAME = 'claims';
  process.env.REFERENCE_BUCKET = BUCKET;
  process.env.NCCI_TABLE_KEY = NCCI_KEY;
  process.env.CPT_LIST_KEY = CPT_KEY;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return (await import('../../functions/scrub-claim/handler')).handler as unknown as Handler;
}

/** The rules of the findings the handler stored with the claim (last save). */
function savedRules(): string[] {
  const calls = ddb.commandCalls(TransactWriteCommand);
  const items = calls.at(-1)?.args[0].input.TransactItems ?? [];
  return [...JSON.stringify(items).matchAll(/"rule":"([A-Z0-9_]+)"/g)].map((m) => m[1] as string);
}

const s3Object = (objects: Record<string, string | (() => Error)>) =>
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const o = objects[input.Key];
    if (o === undefined) throw notFound();
    if (typeof o === 'function') throw o();
    return { Body: body(o) };
  });

/** The claim the table holds (the NCCI pair by default). */
let stored = claim;

beforeEach(() => {
  stored = claim;
  ddb.reset();
  s3.reset();
  sfn.reset();
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
  // The stored claim as the table holds it (state and content items), read when asked.
  const meta = () => ({
    PK: 'CLAIM#CLM0001',
    SK: 'META',
    entity: 'CLAIM',
    ...initialState('CLM0001', at),
    practiceId: stored.practiceId,
    claim: stored,
    createdAt: at,
  });
  ddb
    .on(GetCommand)
    .callsFake((input: { Key: { PK: string; SK: string } }) =>
      input.Key.PK === 'CLAIM#CLM0001' && input.Key.SK === 'META' ? { Item: meta() } : {},
    );
  ddb.on(BatchGetCommand).callsFake(claimBatchGet((pk) => (pk === 'CLAIM#CLM0001' ? meta() : undefined)));
  ddb.on(TransactWriteCommand).resolves({});
});

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.REFERENCE_BUCKET;
  delete process.env.NCCI_TABLE_KEY;
  delete process.env.CPT_LIST_KEY;
});

describe('scrub-claim reference data', () => {
  it('runs the NCCI edits and the CPT list from S3, read once per container', async () => {
    s3Object({ [NCCI_KEY]: JSON.stringify(NCCI_TABLE), [CPT_KEY]: '# licensed list\n99213\n' });
    const handler = await loadHandler();
    const r = await handler(EVENT, fakeContext());
    expect(r.ok).toBe(false);
    // Findings are the token's answer (NeedsCorrection), not a function error.
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'TOKEN-1', error: 'Scrub.Findings', cause: JSON.stringify(r) },
    ]);
    const rules = savedRules();
    expect(rules).toContain('NCCI_PTP');
    expect(rules).toContain('CPT_UNKNOWN'); // 99214 is not on the list
    const gets = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(gets).toEqual([
      { Bucket: BUCKET, Key: NCCI_KEY },
      { Bucket: BUCKET, Key: CPT_KEY },
    ]);

    await handler(EVENT, fakeContext());
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2); // cached
    expect(savedRules()).toContain('NCCI_PTP');
  });

  it('without the objects (NoSuchKey): no NCCI edits, CPT by format only, said once at info without patient data', async () => {
    s3Object({});
    const logged: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
    const handler = await loadHandler({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    await handler(EVENT, fakeContext());
    await handler(EVENT, fakeContext());
    vi.restoreAllMocks();
    const rules = savedRules();
    expect(rules).not.toContain('NCCI_PTP');
    expect(rules).not.toContain('CPT_UNKNOWN');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
    const text = logged.join('');
    expect(text.match(/no NCCI table/g)).toHaveLength(1);
    expect(text.match(/no CPT list/g)).toHaveLength(1);
    expect(text).toContain('"level":"INFO"');
    expect(text).not.toMatch(/TESTPATIENT|1980-02-03|TEST STREET/);
  });

  it('tells a missing object from a denied read when S3 answers 403 (no s3:ListBucket)', async () => {
    s3Object({ [NCCI_KEY]: denied, [CPT_KEY]: denied });
    s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) =>
      input.Prefix === CPT_KEY ? { Contents: [{ Key: CPT_KEY }] } : { Contents: [] },
    );
    const handler = await loadHandler();
    // the NCCI table is really missing; the CPT list is there but cannot be read: that fails loudly
    await expect(handler(EVENT, fakeContext())).rejects.toThrow('Access Denied');
    const listed = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(listed).toHaveLength(2);
    expect(listed).toEqual(
      expect.arrayContaining([
        { Bucket: BUCKET, Prefix: NCCI_KEY, MaxKeys: 1 },
        { Bucket: BUCKET, Prefix: CPT_KEY, MaxKeys: 1 },
      ]),
    );
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);

    s3.reset();
    s3Object({ [NCCI_KEY]: denied });
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const fresh = await loadHandler();
    const r = await fresh(EVENT, fakeContext());
    expect(r.errorCount).toBeGreaterThan(0);
    expect(savedRules()).not.toContain('NCCI_PTP');
  });

  it('a malformed table fails the scrub loudly (nothing saved) and is read again on the next invocation', async () => {
    const badEntry = { ...NCCI_TABLE, ptp: { '0Z001': '0Z003,2025-01-01,,0' } };
    s3Object({ [NCCI_KEY]: JSON.stringify(badEntry) });
    const handler = await loadHandler();
    await expect(handler(EVENT, fakeContext())).rejects.toThrow(
      `s3://${BUCKET}/${NCCI_KEY}: PTP entry '0Z003,2025-01-01,,0' under 0Z001 is malformed`,
    );
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);

    s3.reset();
    s3Object({ [NCCI_KEY]: '{"format":"something-else"' });
    await expect(handler(EVENT, fakeContext())).rejects.toThrow('not JSON');
    s3.reset();
    s3Object({ [NCCI_KEY]: JSON.stringify({ ...NCCI_TABLE, format: 'other/1' }) });
    await expect(handler(EVENT, fakeContext())).rejects.toThrow(/not a claimflow-ncci\/1 table: format/);
    s3.reset();
    s3Object({ [NCCI_KEY]: JSON.stringify(NCCI_TABLE), [CPT_KEY]: '99213\nnot-a-code\n' });
    await expect(handler(EVENT, fakeContext())).rejects.toThrow(
      `s3://${BUCKET}/${CPT_KEY} line 2: CPT_FORMAT`,
    );

    // fixed upload: the next invocation loads it
    s3.reset();
    s3Object({ [NCCI_KEY]: JSON.stringify(NCCI_TABLE) });
    await handler(EVENT, fakeContext());
    expect(savedRules()).toContain('NCCI_PTP');
  });

  it('without REFERENCE_BUCKET (the local runtime) reads nothing from S3', async () => {
    const handler = await loadHandler({ REFERENCE_BUCKET: undefined });
    await handler(EVENT, fakeContext());
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(savedRules()).not.toContain('NCCI_PTP');
  });
});

describe('scrub-claim answers the Scrub task token', () => {
  beforeEach(() => {
    stored = makeClaim({ claimId: 'CLM0001', lines: [line(1, '99213')], totalChargeCents: 12500 });
    // within timely filing of the line's date of service, whenever the test runs
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-01T12:00:00.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a void's clean claim: Scrub.Void (SubmitVoid next); the function returns normally", async () => {
    const handler = await loadHandler({ REFERENCE_BUCKET: undefined });
    const r = await handler({ ...EVENT, execution: { claimId: 'CLM0001', void: true } }, fakeContext());
    expect(r).toEqual({ ok: true, errorCount: 0, warningCount: expect.any(Number) });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'TOKEN-1', error: 'Scrub.Void', cause: JSON.stringify(r) },
    ]);
  });

  it('a clean claim: success with the result; an answer that fails is TokenAnswerFailed (the state retries)', async () => {
    const handler = await loadHandler({ REFERENCE_BUCKET: undefined });
    const r = await handler(EVENT, fakeContext());
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'TOKEN-1', output: JSON.stringify(r) },
    ]);
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalFailure' }));
    await expect(handler(EVENT, fakeContext())).rejects.toMatchObject({ name: 'TokenAnswerFailed' });
    // a token already answered (an earlier attempt's) is not an error
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('gone'), { name: 'TaskDoesNotExist' }));
    await expect(handler(EVENT, fakeContext())).resolves.toMatchObject({ ok: true });
  });

  it('takes the sample Scrub input (events/sfn-scrub-input.json)', async () => {
    await loadHandler({ REFERENCE_BUCKET: undefined });
    const { scrubInput } = await import('../../functions/scrub-claim/handler');
    const sample = JSON.parse(
      readFileSync(new URL('../../events/sfn-scrub-input.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(scrubInput.parse(sample)).toEqual(sample);
  });

  it('refuses an input without its task token (nothing scrubbed, nothing answered)', async () => {
    const handler = await loadHandler({ REFERENCE_BUCKET: undefined });
    await expect(handler({ claimId: 'CLM0001' }, fakeContext())).rejects.toThrow();
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });
});
