/**
 * Wiring of the billing routes (appeals, statements, patient payments, reports): the repositories
 * they need beyond ApiRepositories, and the ports of shared/workbench/billing.ts built from them.
 */
import type { Claim, ClaimEvent } from '../../shared/claims/model';
import type { ClaimState } from '../../shared/claims/state';
import type { ClaimRecord, InterchangeRecord, StatementRunRecord } from '../../shared/store';
import type { AppealConfig } from '../../shared/workbench/appeals';
import type { BillingPorts, ClaimRecordState } from '../../shared/workbench/billing';
import type { PatientEntry } from '../../shared/workbench/patient-ledger';
import type { Statement } from '../../shared/workbench/statements';
import type { ApiRepositories } from './app';
import { resumeWait, type TaskTokens } from './ports';

/** What the billing routes need besides ApiRepositories (shared/store classes satisfy it). */
export interface BillingRepositories {
  claims: {
    saveOnce(
      from: ClaimRecord,
      to: ClaimState,
      event: ClaimEvent,
      markerKey: string,
      attrs?: { claim?: Claim },
    ): Promise<'saved' | 'conflict' | 'duplicate'>;
  };
  interchanges: { get(interchangeControlNumber: string): Promise<InterchangeRecord | undefined> };
  statements: {
    getRun(practiceId: string, runNumber: number): Promise<StatementRunRecord | undefined>;
    saveRun(
      run: Omit<StatementRunRecord, 'attempt' | 'statements' | 'amountDueCents'>,
      statements: readonly Statement[],
    ): Promise<{ outcome: 'created' | 'exists'; run: StatementRunRecord }>;
    listStatements(practiceId: string, runNumber: number): Promise<Statement[]>;
    getStatement(practiceId: string, runNumber: number, n: number): Promise<Statement | undefined>;
    getPatientLedger(claimId: string): Promise<{ entries: PatientEntry[]; version: number }>;
    postPatientEntry(entry: PatientEntry, version: number): Promise<'posted' | 'duplicate' | 'conflict'>;
  };
  /** Appeal windows per payer id (default 180 days). */
  appealConfig?: AppealConfig;
  /** The payer registry: its `appealDeadlineDays` wins over appealConfig (the workflow's timer uses it too). */
  payers?: { get(payerId: string): Promise<{ appealDeadlineDays: number } | undefined> };
}

const PAGE = 100;

const runView = ({ attempt: _a, createdBy: _b, ...run }: StatementRunRecord) => run;

/** The billing ports; undefined when the app was built without billing repositories. */
export function billingPorts(
  repos: ApiRepositories,
  billing: BillingRepositories | undefined,
  tokens: TaskTokens,
  clock: () => Date,
): BillingPorts | undefined {
  if (!billing) return undefined;
  const resume = resumeWait(repos, tokens, clock);
  return {
    getClaim: async (claimId) => (await repos.claims.get(claimId)) as ClaimRecordState | undefined,
    events: (claimId) => repos.events.list(claimId),
    ledger: (claimId) => repos.ledger.getEntries(claimId),
    practiceClaims: async (practiceIds) => {
      // Every page of the practice+status index; a claim that moved while paging may show twice.
      const seen = new Map<string, ClaimRecordState>();
      let cursor: string | undefined;
      do {
        const page = await repos.claims.listForPractices(practiceIds, {
          limit: PAGE,
          ...(cursor ? { cursor } : {}),
          accept: () => true,
        });
        for (const r of page.items) seen.set(r.claimId, r as ClaimRecordState);
        cursor = page.cursor;
      } while (cursor);
      return [...seen.values()];
    },
    interchange: async (icn) => {
      const r = await billing.interchanges.get(icn);
      return r
        ? {
            interchangeControlNumber: r.interchangeControlNumber,
            groupControlNumber: r.groupControlNumber,
            createdAt: r.createdAt,
            ...(r.sentAt ? { sentAt: r.sentAt } : {}),
          }
        : undefined;
    },
    saveEventOnce: (from, to, event, markerKey, attrs) =>
      billing.claims.saveOnce(from as unknown as ClaimRecord, to, event, markerKey, attrs),
    resumeAppeal: async (claimId, decision, mode) => {
      if (mode === 'answer-only' && (await repos.claims.get(claimId))?.waiting?.kind !== 'APPEAL')
        return 'none';
      return resume(claimId, decision, 'APPEAL');
    },
    patientLedger: (claimId) => billing.statements.getPatientLedger(claimId),
    postPatientEntry: (entry, version) => billing.statements.postPatientEntry(entry, version),
    getRun: async (practiceId, runNumber) => {
      const r = await billing.statements.getRun(practiceId, runNumber);
      return r ? runView(r) : undefined;
    },
    saveRun: async (run, statements) => {
      const out = await billing.statements.saveRun(run, statements);
      return { outcome: out.outcome, run: runView(out.run) };
    },
    listStatements: (p, n) => billing.statements.listStatements(p, n),
    getStatement: (p, n, s) => billing.statements.getStatement(p, n, s),
    audit: async (entry) => {
      await repos.audit.append(entry);
    },
    appealConfig: billing.appealConfig ?? {},
    ...(billing.payers
      ? { appealDays: async (payerId: string) => (await billing.payers?.get(payerId))?.appealDeadlineDays }
      : {}),
    now: clock,
  };
}
