import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initialState } from '../../shared/claims/state';
import { contentClaim } from '../../shared/store/claim-items';
import { fakeContext, quietPowertools } from '../support/lambda';
import { makeClaim } from '../unit/x12/fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
type Handler = (e: unknown, c: unknown) => Promise<{ status: string; followUps: number }>;
let handler: Handler;

const at = '2026-11-01T00:00:00.000Z';
function metaItem(over: Record<string, unknown> = {}) {
  const claim = makeClaim({ claimId: 'C1' });
  return {
    PK: 'CLAIM#C1',
    SK: 'META',
    entity: 'CLAIM',
    ...initialState('C1', at),
    practiceId: claim.practiceId,
    claim,
    createdAt: at,
    ...over,
  };
}

beforeAll(async () => {
  quietPowertools();
  process.env.TABLE_NAME = 'claims';
  handler = (await import('../../functions/record-transition/handler')).handler as unknown as Handler;
});

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(TransactWriteCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});

describe('record-transition', () => {
  it('moves the claim with a version-checked update and appends the event in one transaction', async () => {
    ddb.on(GetCommand).resolves({ Item: metaItem() });
    const res = await handler({ claimId: 'C1', to: 'SCRUBBED', event: 'SCRUBBED' }, fakeContext());
    expect(res.status).toBe('SCRUBBED');
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Update?.ConditionExpression).toBe('#version = :expected');
    expect(items[0]?.Update?.ExpressionAttributeValues?.[':expected']).toBe(1);
    expect(items[1]?.Put?.Item).toMatchObject({ type: 'SCRUBBED', status: 'SCRUBBED', seq: 2 });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    // One read of the claim's state (META), none of its content; the content is not rewritten.
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key)).toEqual([
      { PK: 'CLAIM#C1', SK: 'META' },
    ]);
    expect(items).toHaveLength(2);
  });

  it('answers a wait at once with an outcome that arrived before it', async () => {
    const pending = { ACK: { output: { accepted: true, source: '277CA', codes: ['A2:20'] }, at } };
    ddb.on(GetCommand).resolves({ Item: metaItem({ status: 'SUBMITTED', pending }) });
    await handler(
      { claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-1' },
      fakeContext(),
    );
    const call = sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(call?.taskToken).toBe('tok-1');
    expect(JSON.parse(call?.output ?? '{}')).toEqual(pending.ACK.output);
  });

  it('answers a wait at once with SendTaskFailure when the early outcome branches: a rejected ack', async () => {
    const output = { accepted: false, source: '999', codes: ['IK5:R'] };
    ddb
      .on(GetCommand)
      .resolves({ Item: metaItem({ status: 'SUBMITTED', pending: { ACK: { output, at } } }) });
    await handler(
      { claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-1' },
      fakeContext(),
    );
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    const call = sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(call).toMatchObject({ taskToken: 'tok-1', error: 'Ack.Rejected' });
    expect(JSON.parse(call?.cause ?? '{}')).toEqual(output);
  });

  it('answers an early remit that goes on (APPEAL) with SendTaskFailure Route.APPEAL', async () => {
    const output = { route: 'APPEAL', paidCents: 0, carcs: ['CO-50'], traceNumber: 'T1' };
    ddb
      .on(GetCommand)
      .resolves({ Item: metaItem({ status: 'ACCEPTED', pending: { REMIT: { output, at } } }) });
    await handler(
      { claimId: 'C1', to: 'ACCEPTED', event: 'AWAITING_REMIT', wait: 'REMIT', taskToken: 'tok-r' },
      fakeContext(),
    );
    const call = sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(call).toMatchObject({ taskToken: 'tok-r', error: 'Route.APPEAL' });
    expect(JSON.parse(call?.cause ?? '{}')).toEqual(output);
  });

  it('settles a paid claim: PAID then CLOSED, each a version-checked transaction', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: metaItem({ status: 'ACCEPTED', version: 5, seq: 5 }) })
      .resolvesOnce({ Item: metaItem({ status: 'ACCEPTED', version: 5, seq: 5 }) })
      .resolves({ Item: metaItem({ status: 'PAID', version: 6, seq: 6 }) });
    const res = await handler({ claimId: 'C1', settle: 'PAID' }, fakeContext());
    expect(res.status).toBe('CLOSED');
    const writes = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems ?? []);
    expect(writes.map((w) => w[0]?.Update?.ExpressionAttributeValues?.[':expected'])).toEqual([5, 6]);
    expect(writes.map((w) => w[1]?.Put?.Item)).toEqual([
      expect.objectContaining({ type: 'PAID', status: 'PAID', seq: 6 }),
      expect.objectContaining({ type: 'CLOSED', status: 'CLOSED', seq: 7 }),
    ]);
    expect(sfn.calls()).toHaveLength(0);
    // The claim is read once: CLOSED starts from the PAID state just saved.
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('settles from a fresh read when the claim moved on after the route was saved', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: metaItem({ status: 'ACCEPTED', version: 5, seq: 5 }) })
      .resolves({ Item: metaItem({ status: 'PAID', version: 7, seq: 7 }) });
    const conflict = Object.assign(new Error('cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
    });
    // PAID saved (version 6); someone else saved version 7 before CLOSED: its save conflicts, re-reads.
    ddb.on(TransactWriteCommand).resolvesOnce({}).rejectsOnce(conflict).resolves({});
    const res = await handler({ claimId: 'C1', settle: 'PAID' }, fakeContext());
    expect(res.status).toBe('CLOSED');
    const writes = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems ?? []);
    expect(writes.map((w) => w[0]?.Update?.ExpressionAttributeValues?.[':expected'])).toEqual([5, 6, 7]);
    expect(writes[2]?.[1]?.Put?.Item).toMatchObject({ type: 'CLOSED', seq: 8 });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
  });

  it('refuses a Settle for a route that does not end the claim, writing nothing', async () => {
    ddb.on(GetCommand).resolves({ Item: metaItem({ status: 'ACCEPTED' }) });
    await expect(handler({ claimId: 'C1', settle: 'APPEAL' }, fakeContext())).rejects.toThrow();
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('keeps the early outcome pending until its token is answered, then removes it', async () => {
    const output = { accepted: true, source: '277CA', codes: ['A2:20'] };
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: metaItem({ status: 'SUBMITTED', pending: { ACK: { output, at } } }) })
      .resolves({
        Item: metaItem({
          status: 'SUBMITTED',
          version: 2,
          seq: 2,
          pending: { ACK: { output, at, handedTo: 'tok-1' } },
        }),
      });
    await handler(
      { claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-1' },
      fakeContext(),
    );
    // The claim's META updates, in order: in a transaction with the event, or alone (a single-item save).
    const writes = ddb.calls().flatMap((c): { ExpressionAttributeValues?: Record<string, unknown> }[] => {
      const cmd = c.args[0];
      if (cmd instanceof TransactWriteCommand) return [cmd.input.TransactItems?.[0]?.Update ?? {}];
      if (cmd instanceof UpdateCommand) return [cmd.input];
      return [];
    });
    expect(writes.map((u) => u?.ExpressionAttributeValues?.[':pending'])).toEqual([
      { ACK: { output, at, handedTo: 'tok-1' } }, // saved with the wait registration, before answering
      {}, // consumed once answered
    ]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    // The second save starts from the state the first one wrote: one read.
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('fails with TokenAnswerFailed (retried by the state machine), the outcome still pending, when answering fails', async () => {
    const output = { accepted: true, source: '277CA', codes: ['A2:20'] };
    ddb
      .on(GetCommand)
      .resolves({ Item: metaItem({ status: 'SUBMITTED', pending: { ACK: { output, at } } }) });
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(
      handler(
        { claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-1' },
        fakeContext(),
      ),
    ).rejects.toMatchObject({ name: 'TokenAnswerFailed' });
    // The claim's META updates, in order: in a transaction with the event, or alone (a single-item save).
    const writes = ddb.calls().flatMap((c): { ExpressionAttributeValues?: Record<string, unknown> }[] => {
      const cmd = c.args[0];
      if (cmd instanceof TransactWriteCommand) return [cmd.input.TransactItems?.[0]?.Update ?? {}];
      if (cmd instanceof UpdateCommand) return [cmd.input];
      return [];
    });
    expect(writes.map((u) => u?.ExpressionAttributeValues?.[':pending'])).toEqual([
      { ACK: { output, at, handedTo: 'tok-1' } },
    ]);
  });

  it('refuses an illegal transition and writes nothing', async () => {
    ddb.on(GetCommand).resolves({ Item: metaItem({ status: 'CLOSED' }) });
    await expect(handler({ claimId: 'C1', to: 'PAID', event: 'PAID' }, fakeContext())).rejects.toThrow(
      /not allowed/,
    );
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('stores the token of a wait with nothing pending and answers nothing', async () => {
    ddb.on(GetCommand).resolves({ Item: metaItem({ status: 'SUBMITTED' }) });
    await handler(
      { claimId: 'C1', to: 'SUBMITTED', event: 'AWAITING_ACK', wait: 'ACK', taskToken: 'tok-1' },
      fakeContext(),
    );
    const update = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Update;
    expect(update?.ExpressionAttributeValues?.[':waiting']).toMatchObject({
      kind: 'ACK',
      taskToken: 'tok-1',
    });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('writes a CORRECTED claim as a frequency-7 replacement of the payer claim', async () => {
    ddb.on(GetCommand).resolves({
      Item: metaItem({ status: 'NEEDS_CORRECTION', payerClaimControlNumber: 'PCN-9' }),
    });
    const res = await handler({ claimId: 'C1', to: 'CORRECTED', event: 'CORRECTED' }, fakeContext());
    expect(res.status).toBe('CORRECTED');
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    // The META update does not carry the claim: its content item is rewritten in the same transaction.
    expect(Object.values(items[0]?.Update?.ExpressionAttributeNames ?? {})).not.toContain('claim');
    const content = items.find((i) => i.Put?.Item?.SK === 'META#CONTENT')?.Put?.Item;
    expect(content?.PK).toBe('CLAIM#C1');
    expect(contentClaim(content)).toMatchObject({
      claimId: 'C1',
      frequencyCode: '7',
      originalPayerClaimNumber: 'PCN-9',
    });
  });

  it('re-reads and retries when the version-checked write loses a race', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: metaItem() })
      .resolves({ Item: metaItem({ version: 2, seq: 2 }) });
    const conflict = Object.assign(new Error('cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
    });
    ddb.on(TransactWriteCommand).rejectsOnce(conflict).resolves({});
    const res = await handler({ claimId: 'C1', to: 'SCRUBBED', event: 'SCRUBBED' }, fakeContext());
    expect(res.status).toBe('SCRUBBED');
    const calls = ddb
      .commandCalls(TransactWriteCommand)
      .map((c) => c.args[0].input.TransactItems?.[0]?.Update);
    expect(calls.map((u) => u?.ExpressionAttributeValues?.[':expected'])).toEqual([1, 2]);
  });

  it('refuses malformed input', async () => {
    await expect(handler({ claimId: 'C1', to: 'NOPE', event: 'X' }, fakeContext())).rejects.toThrow();
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});
