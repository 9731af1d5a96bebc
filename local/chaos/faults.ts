/**
 * The fault plan of `npm run chaos`: which boundary faults to inject, how often, and a count of what was
 * injected. Every decision is a seeded hash of (seed, fault kind, the operation's identity, how many
 * times that identity was seen), not a draw from a shared random stream, so the same seed gives the
 * same faults for the same operations whatever order concurrent work happens to run in.
 */
import { createHash } from 'node:crypto';

export const FAULT_KINDS = [
  /** An SQS message is delivered once more (a copy is enqueued): at-least-once delivery. */
  'sqs.duplicate',
  /** A queue consumer "crashes" after its writes, before the message is deleted: it is redelivered. */
  'sqs.crashBeforeDelete',
  /** A DynamoDB write or transaction fails before it is applied (HTTP 500). */
  'dynamo.writeFails',
  /** A DynamoDB write is applied but its answer is lost (HTTP 500 after the write). */
  'dynamo.answerLost',
  /** SendTaskSuccess / SendTaskFailure is throttled or fails (not applied). */
  'sfn.sendTaskFails',
  /** A Lambda task of the state machine "crashes" after its writes (Lambda.ServiceException, retried). */
  'lambda.crashAfterWrites',
  /** A POST to the clearinghouse times out after the clearinghouse received it. */
  'clearinghouse.timeout',
  /** A webhook delivery is sent again, byte for byte. */
  'webhook.resend',
  /** An 835's payments are sent again under a new envelope (new ISA13 and TRN02). */
  'webhook.reenvelope',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Kinds that deliver something twice (counted as duplicates rather than faults). */
const DUPLICATE_KINDS: ReadonlySet<FaultKind> = new Set([
  'sqs.duplicate',
  'webhook.resend',
  'webhook.reenvelope',
]);

export const DEFAULT_RATES: Record<FaultKind, number> = {
  'sqs.duplicate': 0.25,
  'sqs.crashBeforeDelete': 0.1,
  'dynamo.writeFails': 0.08,
  'dynamo.answerLost': 0.02,
  'sfn.sendTaskFails': 0.2,
  'lambda.crashAfterWrites': 0.05,
  'clearinghouse.timeout': 0.3,
  'webhook.resend': 0.3,
  'webhook.reenvelope': 0.2,
};

export class FaultPlan {
  private readonly seen = new Map<string, number>();
  private readonly counts = new Map<FaultKind, number>();
  /** Off: every decision is "no fault" (the harness turns faults off to check the invariants). */
  enabled = true;

  constructor(
    readonly seed: number,
    private readonly rates: Record<FaultKind, number> = DEFAULT_RATES,
  ) {}

  /** Whether to inject `kind` now into the operation identified by `key`. */
  should(kind: FaultKind, key: string): boolean {
    if (!this.enabled) return false;
    const rate = this.rates[kind];
    if (rate <= 0) return false;
    const id = `${kind}\u0000${key}`;
    const n = (this.seen.get(id) ?? 0) + 1;
    this.seen.set(id, n);
    const digest = createHash('sha256').update(`${this.seed}\u0000${id}\u0000${n}`).digest();
    const hit = digest.readUInt32BE(0) / 0x1_0000_0000 < rate;
    if (hit) this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    return hit;
  }

  /** A seeded pseudo-random number in [0, 1) for `key` (no fault counted). */
  random(key: string): number {
    const digest = createHash('sha256').update(`${this.seed}\u0000random\u0000${key}`).digest();
    return digest.readUInt32BE(0) / 0x1_0000_0000;
  }

  /** Injected so far, by kind. */
  byKind(): Record<FaultKind, number> {
    return Object.fromEntries(FAULT_KINDS.map((k) => [k, this.counts.get(k) ?? 0])) as Record<
      FaultKind,
      number
    >;
  }

  totals(): { faults: number; duplicates: number } {
    let faults = 0;
    let duplicates = 0;
    for (const [kind, n] of this.counts) {
      if (DUPLICATE_KINDS.has(kind)) duplicates += n;
      else faults += n;
    }
    return { faults, duplicates };
  }
}
