/**
 * The workbench's billing use cases: appeals, patient statements and payments, reports. Like
 * queries.ts, every call is scoped to the caller's practices (another practice's claim is
 * `not_found`) and writes an access-audit entry before anything is returned; ports keep it AWS-free.
 */
import type { Claim, ClaimEvent } from '../claims/model';
import { applyTransition, type ClaimState } from '../claims/state';
import type { AppealDecision } from '../claims/workflow';
import type { LedgerEntry } from '../posting/ledger';
import { type AgingReport, arAging, type BookClaim, type Kpis, kpis } from '../reports/metrics';
import { type Caller, canSee, practicesToRead } from './access';
import { isoDay } from './aging';
import {
  type AppealConfig,
  type AppealFacts,
  appealFacts,
  appealPacketPdf,
  type InterchangeFact,
  latestDenial,
  NotDeniedError,
  submittedInterchanges,
} from './appeals';
import { type AccessAuditEntry, type AuditAction, auditEntry } from './audit';
import {
  checkPatientEntry,
  type PatientBalance,
  type PatientEntry,
  PatientPostingError,
  patientBalance,
  patientEntryId,
} from './patient-ledger';
import type { RequestInfo } from './queries';
import { buildStatements, type Statement, statementPdf } from './statements';
import type { ClaimRecordView } from './views';

/** A claim record with its state (shared/store ClaimRecord satisfies it). */
export type ClaimRecordState = ClaimRecordView & ClaimState;

export interface StatementRunView {
  practiceId: string;
  runNumber: number;
  statementDate: string;
  createdAt: string;
  statements: number;
  amountDueCents: number;
}

export interface BillingPorts {
  getClaim(claimId: string): Promise<ClaimRecordState | undefined>;
  events(claimId: string): Promise<ClaimEvent[]>;
  ledger(claimId: string): Promise<LedgerEntry[]>;
  /** Every claim of the practices (reports and statement runs read the whole book). */
  practiceClaims(practiceIds: readonly string[]): Promise<ClaimRecordView[]>;
  interchange(interchangeControlNumber: string): Promise<InterchangeFact | undefined>;
  /** Saves `to` with `event` and a once-only marker (ClaimRepository.saveOnce), and the claim when given. */
  saveEventOnce(
    from: ClaimRecordState,
    to: ClaimState,
    event: ClaimEvent,
    markerKey: string,
    attrs?: { claim?: Claim },
  ): Promise<'saved' | 'conflict' | 'duplicate'>;
  /**
   * Hands an appeal decision to the claim's AwaitAppeal wait: answers its token and clears it, or
   * ('deliver') keeps it pending for the wait to come; 'answer-only' leaves a claim not waiting alone.
   */
  resumeAppeal(
    claimId: string,
    decision: AppealDecision,
    mode: 'deliver' | 'answer-only',
  ): Promise<'answered' | 'pending' | 'none'>;
  patientLedger(claimId: string): Promise<{ entries: PatientEntry[]; version: number }>;
  postPatientEntry(entry: PatientEntry, version: number): Promise<'posted' | 'duplicate' | 'conflict'>;
  getRun(practiceId: string, runNumber: number): Promise<StatementRunView | undefined>;
  saveRun(
    run: {
      practiceId: string;
      runNumber: number;
      statementDate: string;
      createdAt: string;
      createdBy: string;
    },
    statements: readonly Statement[],
  ): Promise<{ outcome: 'created' | 'exists'; run: StatementRunView }>;
  listStatements(practiceId: string, runNumber: number): Promise<Statement[]>;
  getStatement(
    practiceId: string,
    runNumber: number,
    statementNumber: number,
  ): Promise<Statement | undefined>;
  audit(entry: AccessAuditEntry): Promise<void>;
  appealConfig: AppealConfig;
  /** The payer registry's appeal window (days) for a payer; it wins over appealConfig, as for the workflow's timer. */
  appealDays?(payerId: string): Promise<number | undefined>;
  now(): Date;
}

export type Refusal =
  | 'not_found'
  | 'forbidden'
  | 'not_denied'
  | 'exceeds_balance'
  | 'not_positive'
  | 'conflict';
export type Result<T> = { ok: true; value: T } | { ok: false; error: Refusal; message?: string };

const MAX_ATTEMPTS = 5;

async function audit(
  ports: BillingPorts,
  caller: Caller,
  action: AuditAction,
  request: RequestInfo,
  outcome: 'OK' | 'NOT_FOUND',
  claimIds: readonly string[],
  practiceIds: readonly string[],
): Promise<void> {
  await ports.audit(
    auditEntry(
      caller,
      {
        action,
        route: request.route,
        outcome,
        claimIds,
        practiceIds,
        ...(request.requestId ? { requestId: request.requestId } : {}),
      },
      ports.now(),
    ),
  );
}

/** The claim if the caller may see it; otherwise records NOT_FOUND and answers undefined. */
async function visibleClaim(
  ports: BillingPorts,
  caller: Caller,
  claimId: string,
  action: AuditAction,
  request: RequestInfo,
): Promise<ClaimRecordState | undefined> {
  const record = await ports.getClaim(claimId);
  if (!record || !canSee(caller, record.practiceId)) {
    await audit(ports, caller, action, request, 'NOT_FOUND', [claimId], []);
    return undefined;
  }
  return record;
}

/**
 * Appends an event to the claim without changing its status, once per `markerKey` (a retried
 * request records nothing twice). Re-reads and retries on a version conflict.
 */
export async function appendClaimEvent(
  ports: Pick<BillingPorts, 'getClaim' | 'saveEventOnce'>,
  claimId: string,
  type: string,
  detail: Record<string, unknown>,
  markerKey: string,
  at: string,
  claimPatch?: (claim: Claim) => Claim,
): Promise<'saved' | 'duplicate'> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const record = await ports.getClaim(claimId);
    if (!record) throw new Error(`claim ${claimId} vanished`);
    const applied = applyTransition(record, { claimId, to: record.status, event: type }, at);
    if (!applied.ok) throw new Error(applied.error.message);
    const event = { ...applied.event, detail: { ...applied.event.detail, ...detail } };
    const out = await ports.saveEventOnce(
      record,
      applied.state,
      event,
      markerKey,
      claimPatch ? { claim: claimPatch(record.claim) } : undefined,
    );
    if (out !== 'conflict') return out;
  }
  throw new Error(`claim ${claimId}: could not record ${type} after repeated version conflicts`);
}

// ---------------------------------------------------------------- appeals

async function appealInputs(ports: BillingPorts, record: ClaimRecordState, attachments?: readonly string[]) {
  const [events, ledger] = await Promise.all([ports.events(record.claimId), ports.ledger(record.claimId)]);
  const interchanges = (
    await Promise.all(submittedInterchanges(events).map((icn) => ports.interchange(icn)))
  ).filter((i): i is InterchangeFact => i !== undefined);
  const payerId = record.claim.payer.payerId;
  const registered = await ports.appealDays?.(payerId);
  const config: AppealConfig =
    registered === undefined
      ? ports.appealConfig
      : { appealDaysByPayer: { ...ports.appealConfig.appealDaysByPayer, [payerId]: registered } };
  return appealFacts({
    claim: record.claim,
    events,
    ledger,
    interchanges,
    config,
    ...(attachments ? { attachments } : {}),
  });
}

export interface AppealView extends AppealFacts {
  /** 'saved' the first time the appeal is opened for this denial, 'duplicate' after. */
  recorded: 'saved' | 'duplicate';
}

/**
 * Opens an appeal of the claim's latest denial: computes the facts and records an APPEAL_OPENED
 * event holding the deadline (once per denial). The claim's status is unchanged.
 */
export async function openAppeal(
  ports: BillingPorts,
  caller: Caller,
  claimId: string,
  request: RequestInfo,
): Promise<Result<AppealView>> {
  const record = await visibleClaim(ports, caller, claimId, 'OPEN_APPEAL', request);
  if (!record) return { ok: false, error: 'not_found' };
  let facts: AppealFacts;
  try {
    facts = await appealInputs(ports, record);
  } catch (err) {
    if (err instanceof NotDeniedError) return { ok: false, error: 'not_denied' };
    throw err;
  }
  await audit(ports, caller, 'OPEN_APPEAL', request, 'OK', [claimId], [record.practiceId]);
  const recorded = await appendClaimEvent(
    ports,
    claimId,
    'APPEAL_OPENED',
    {
      deadline: facts.deadline,
      remitDate: facts.denial.remitDate,
      appealDays: facts.appealDays,
      category: facts.category,
      ...(facts.denial.traceNumber ? { traceNumber: facts.denial.traceNumber } : {}),
      by: caller.sub,
    },
    `APPEAL#${facts.denial.traceNumber ?? facts.denial.remitDate}`,
    ports.now().toISOString(),
  );
  return { ok: true, value: { ...facts, recorded } };
}

/** The appeal packet PDF of the claim's latest denial (a read of PHI: audited). */
export async function appealPacket(
  ports: BillingPorts,
  caller: Caller,
  claimId: string,
  attachments: readonly string[] | undefined,
  request: RequestInfo,
): Promise<Result<Uint8Array>> {
  const record = await visibleClaim(ports, caller, claimId, 'READ_APPEAL_PACKET', request);
  if (!record) return { ok: false, error: 'not_found' };
  let facts: AppealFacts;
  try {
    facts = await appealInputs(ports, record, attachments);
  } catch (err) {
    if (err instanceof NotDeniedError) return { ok: false, error: 'not_denied' };
    throw err;
  }
  const pdf = await appealPacketPdf(record.claim, facts, isoDay(ports.now()));
  await audit(ports, caller, 'READ_APPEAL_PACKET', request, 'OK', [claimId], [record.practiceId]);
  return { ok: true, value: pdf };
}

export const APPEAL_OUTCOMES = ['OVERTURNED', 'PARTIALLY_OVERTURNED', 'UPHELD', 'WITHDRAWN'] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];
/** Where a lost (UPHELD) or WITHDRAWN appeal goes: a person decides, or a manager writes it off. */
export const APPEAL_LOST_ROUTES = ['HUMAN_REVIEW', 'WRITE_OFF'] as const;
export type AppealLostRoute = (typeof APPEAL_LOST_ROUTES)[number];

const WON: readonly AppealOutcome[] = ['OVERTURNED', 'PARTIALLY_OVERTURNED'];

/** The decision the AwaitAppeal wait is answered with (docs/api.md, Appeals). */
export function appealDecision(input: {
  outcome: AppealOutcome;
  decidedOn: string;
  next?: AppealLostRoute;
}): AppealDecision {
  const route = WON.includes(input.outcome) ? 'REMIT' : (input.next ?? 'HUMAN_REVIEW');
  return { route, outcome: input.outcome, decidedOn: input.decidedOn };
}

export interface AppealOutcomeView {
  recorded: 'saved' | 'duplicate';
  route: AppealDecision['route'];
  /** answered / pending: the claim's AwaitAppeal wait took the decision; none: the claim waits on no appeal. */
  resumed: 'answered' | 'pending' | 'none';
}

/**
 * Records the payer's decision on the appeal as an APPEAL_OUTCOME event (once per denial, with who
 * and when; audited with before / after) and, when the claim waits on its appeal (APPEAL), answers
 * that wait once: won (OVERTURNED, PARTIALLY_OVERTURNED) -> the claim waits for the payer's new
 * 835, marked so that the reprocessed adjudication replaces the denial on the ledger; lost (UPHELD)
 * or WITHDRAWN -> human review, or a write-off (`next: WRITE_OFF`, manager or admin only).
 */
export async function recordAppealOutcome(
  ports: BillingPorts,
  caller: Caller,
  claimId: string,
  input: { outcome: AppealOutcome; decidedOn: string; next?: AppealLostRoute },
  request: RequestInfo,
): Promise<Result<AppealOutcomeView>> {
  const record = await visibleClaim(ports, caller, claimId, 'RECORD_APPEAL_OUTCOME', request);
  if (!record) return { ok: false, error: 'not_found' };
  const decision = appealDecision(input);
  if (decision.route === 'WRITE_OFF' && caller.role === 'biller') return { ok: false, error: 'forbidden' };
  const [events, ledger] = await Promise.all([ports.events(claimId), ports.ledger(claimId)]);
  const denial = latestDenial(events, ledger);
  if (!denial) return { ok: false, error: 'not_denied' };
  const waits = record.status === 'APPEAL';
  const reprocessed = decision.route === 'REMIT' ? denial.payerClaimControlNumber : undefined;
  await ports.audit(
    auditEntry(
      caller,
      {
        action: 'RECORD_APPEAL_OUTCOME',
        route: request.route,
        outcome: 'OK',
        claimIds: [claimId],
        practiceIds: [record.practiceId],
        ...(request.requestId ? { requestId: request.requestId } : {}),
        changes: [
          { path: 'appeal.outcome', after: input.outcome },
          ...(waits ? [{ path: 'appeal.route', before: record.status, after: decision.route }] : []),
          ...(reprocessed ? [{ path: 'claim.reprocessedPayerClaimNumber', after: reprocessed }] : []),
        ],
      },
      ports.now(),
    ),
  );
  const recorded = await appendClaimEvent(
    ports,
    claimId,
    'APPEAL_OUTCOME',
    { outcome: input.outcome, decidedOn: input.decidedOn, route: decision.route, by: caller.sub },
    `APPEAL_OUTCOME#${denial.traceNumber ?? denial.remitDate}`,
    ports.now().toISOString(),
    reprocessed ? (claim) => ({ ...claim, reprocessedPayerClaimNumber: reprocessed }) : undefined,
  );
  // Once: the first request hands the decision over (or keeps it pending for the wait to come); a
  // repeated one only answers a wait still open (an earlier attempt that stopped before answering).
  const resumed = !waits
    ? 'none'
    : recorded === 'saved'
      ? await ports.resumeAppeal(claimId, decision, 'deliver')
      : await ports.resumeAppeal(claimId, decision, 'answer-only');
  return { ok: true, value: { recorded, route: decision.route, resumed } };
}

// ---------------------------------------------------------------- patient payments and write-offs

export interface PatientPostingView {
  entryId: string;
  posted: 'posted' | 'duplicate';
  balance: PatientBalance;
}

async function postPatient(
  ports: BillingPorts,
  caller: Caller,
  claimId: string,
  kind: PatientEntry['kind'],
  input: {
    key: string;
    amountCents: number;
    method?: PatientEntry['method'];
    receivedOn?: string;
    reason?: string;
  },
  request: RequestInfo,
): Promise<Result<PatientPostingView>> {
  const action = kind === 'PATIENT_PAYMENT' ? 'POST_PATIENT_PAYMENT' : 'WRITE_OFF_PATIENT_BALANCE';
  const record = await visibleClaim(ports, caller, claimId, action, request);
  if (!record) return { ok: false, error: 'not_found' };
  if (kind === 'PATIENT_WRITE_OFF' && caller.role === 'biller') return { ok: false, error: 'forbidden' };
  // One entry per request (not per retry): the claim's balances are read and may change.
  await audit(ports, caller, action, request, 'OK', [claimId], [record.practiceId]);
  const ledger = await ports.ledger(claimId);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const patient = await ports.patientLedger(claimId);
    const entryId = patientEntryId(claimId, kind, input.key);
    const before = patient.entries.find((e) => e.entryId === entryId);
    if (before) {
      return {
        ok: true,
        value: { entryId, posted: 'duplicate', balance: patientBalance(ledger, patient.entries) },
      };
    }
    const entry: PatientEntry = {
      entryId,
      claimId,
      kind,
      amountCents: input.amountCents,
      at: ports.now().toISOString(),
      by: caller.sub,
      ...(input.method ? { method: input.method } : {}),
      ...(input.receivedOn ? { receivedOn: input.receivedOn } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
    };
    let after: PatientBalance;
    try {
      after = checkPatientEntry(ledger, patient.entries, entry);
    } catch (err) {
      if (err instanceof PatientPostingError) {
        return {
          ok: false,
          error: err.code === 'NOT_POSITIVE' ? 'not_positive' : 'exceeds_balance',
          message: err.message,
        };
      }
      throw err;
    }
    const out = await ports.postPatientEntry(entry, patient.version);
    if (out === 'conflict') continue;
    return { ok: true, value: { entryId, posted: out, balance: after } };
  }
  return { ok: false, error: 'conflict' };
}

/** A patient payment against the claim's open patient balance; `key` makes a retried request post once. */
export function postPatientPayment(
  ports: BillingPorts,
  caller: Caller,
  claimId: string,
  input: {
    key: string;
    amountCents: number;
    method: NonNullable<PatientEntry['method']>;
    receivedOn: string;
  },
  request: RequestInfo,
): Promise<Result<PatientPostingView>> {
  return postPatient(ports, caller, claimId, 'PATIENT_PAYMENT', input, request);
}

/** A small-balance write-off of (part of) the open patient balance, with a reason: manager or admin only. */
export function writeOffPatientBalance(
  ports: BillingPorts,
  caller: Caller,
  claimId: string,
  input: { key: string; amountCents: number; reason: string },
  request: RequestInfo,
): Promise<Result<PatientPostingView>> {
  return postPatient(ports, caller, claimId, 'PATIENT_WRITE_OFF', input, request);
}

// ---------------------------------------------------------------- statements

export interface StatementSummary {
  statementNumber: number;
  claimIds: string[];
  amountDueCents: number;
}

export interface StatementRunResult {
  outcome: 'created' | 'exists';
  run: StatementRunView;
  statements: StatementSummary[];
}

const summaryOf = (s: Statement): StatementSummary => ({
  statementNumber: s.statementNumber,
  claimIds: s.claims.map((c) => c.claimId),
  amountDueCents: s.amountDueCents,
});

/**
 * Runs statements for a practice: idempotent by run number (a second call with the same number
 * returns the saved run and creates nothing).
 */
export async function runStatements(
  ports: BillingPorts,
  caller: Caller,
  input: { practiceId: string; runNumber: number; statementDate?: string },
  request: RequestInfo,
): Promise<Result<StatementRunResult>> {
  if (!canSee(caller, input.practiceId)) {
    await audit(ports, caller, 'RUN_STATEMENTS', request, 'NOT_FOUND', [], []);
    return { ok: false, error: 'not_found' };
  }
  const saved = await ports.getRun(input.practiceId, input.runNumber);
  if (saved) {
    const statements = await ports.listStatements(input.practiceId, input.runNumber);
    await audit(
      ports,
      caller,
      'RUN_STATEMENTS',
      request,
      'OK',
      statements.flatMap((s) => s.claims.map((c) => c.claimId)),
      [input.practiceId],
    );
    return { ok: true, value: { outcome: 'exists', run: saved, statements: statements.map(summaryOf) } };
  }
  const now = ports.now();
  const statementDate = input.statementDate ?? isoDay(now);
  const records = await ports.practiceClaims([input.practiceId]);
  const inputs = await Promise.all(
    records.map(async (r) => ({
      claim: r.claim,
      ledger: await ports.ledger(r.claimId),
      patient: (await ports.patientLedger(r.claimId)).entries,
    })),
  );
  const statements = buildStatements(input.practiceId, input.runNumber, statementDate, inputs);
  await audit(
    ports,
    caller,
    'RUN_STATEMENTS',
    request,
    'OK',
    statements.flatMap((s) => s.claims.map((c) => c.claimId)),
    [input.practiceId],
  );
  const out = await ports.saveRun(
    {
      practiceId: input.practiceId,
      runNumber: input.runNumber,
      statementDate,
      createdAt: now.toISOString(),
      createdBy: caller.sub,
    },
    statements,
  );
  const listed =
    out.outcome === 'created' ? statements : await ports.listStatements(input.practiceId, input.runNumber);
  return { ok: true, value: { outcome: out.outcome, run: out.run, statements: listed.map(summaryOf) } };
}

/** One statement of a saved run as a PDF. */
export async function statementDocument(
  ports: BillingPorts,
  caller: Caller,
  input: { practiceId: string; runNumber: number; statementNumber: number },
  request: RequestInfo,
): Promise<Result<Uint8Array>> {
  const statement = canSee(caller, input.practiceId)
    ? await ports.getStatement(input.practiceId, input.runNumber, input.statementNumber)
    : undefined;
  if (!statement) {
    await audit(ports, caller, 'READ_STATEMENT', request, 'NOT_FOUND', [], []);
    return { ok: false, error: 'not_found' };
  }
  const pdf = await statementPdf(statement);
  await audit(
    ports,
    caller,
    'READ_STATEMENT',
    request,
    'OK',
    statement.claims.map((c) => c.claimId),
    [input.practiceId],
  );
  return { ok: true, value: pdf };
}

// ---------------------------------------------------------------- reports

/** The caller's book (optionally one practice): every claim with its events, ledger and patient entries. */
export async function readBook(
  ports: BillingPorts,
  caller: Caller,
  practiceId: string | undefined,
  request: RequestInfo,
): Promise<BookClaim[]> {
  const practices = practicesToRead(caller, practiceId);
  const records = practices.length === 0 ? [] : await ports.practiceClaims(practices);
  const book = await Promise.all(
    records.map(async (r) => ({
      claim: r.claim,
      status: r.status,
      events: await ports.events(r.claimId),
      ledger: await ports.ledger(r.claimId),
      patient: (await ports.patientLedger(r.claimId)).entries,
    })),
  );
  // Reports hold money and codes only, but they are computed from every claim read: audited as such.
  await audit(
    ports,
    caller,
    'READ_REPORT',
    request,
    'OK',
    records.map((r) => r.claimId),
    practices,
  );
  return book;
}

export async function agingReport(
  ports: BillingPorts,
  caller: Caller,
  practiceId: string | undefined,
  request: RequestInfo,
): Promise<AgingReport> {
  return arAging(await readBook(ports, caller, practiceId, request), isoDay(ports.now()));
}

export async function kpiReport(
  ports: BillingPorts,
  caller: Caller,
  practiceId: string | undefined,
  request: RequestInfo,
): Promise<Kpis> {
  return kpis(await readBook(ports, caller, practiceId, request), isoDay(ports.now()));
}
