/**
 * Claim detail: summary, patient and payer, lines, diagnoses, scrub findings, the event timeline, the
 * ledger with its running balance, the X12 documents (pages/documents.tsx), work items, and the actions
 * the claim's status allows.
 */
import { EXPECTING_OUTCOME } from '../../../shared/claims/state';
import type { Schemas } from '../api/client';
import { money, when, words } from '../lib/format';
import { href } from '../lib/routes';
import { VOIDABLE } from '../lib/void';
import { must, PageTitle, Show, Thead, useApp, useLoad } from '../ui';
import { ClaimDocuments } from './documents';
import { PatientSide } from './patient';
import { VoidClaim } from './void';

type Detail = Schemas['ClaimDetail'];

/** The statuses in which the workflow takes a correction (the API refuses others with 409). */
export const CORRECTABLE: readonly string[] = EXPECTING_OUTCOME.CORRECTION;
export const APPEALABLE = ['DENIED', 'APPEAL'];

export function ClaimPage({ claimId }: { claimId: string }) {
  const { api } = useApp();
  const [detail, reload] = useLoad(
    async () => must(await api.GET('/api/claims/{claimId}', { params: { path: { claimId } } })),
    [api, claimId],
  );
  return (
    <>
      <PageTitle>Claim {claimId}</PageTitle>
      <Show value={detail}>{(d) => <ClaimDetail d={d} reload={reload} />}</Show>
    </>
  );
}

function ClaimDetail({ d, reload }: { d: Detail; reload: () => void }) {
  const { claim, summary } = d;
  const denied = d.ledger.rows.some((r) => r.kind === 'ADJUSTMENT' && r.group === 'CO' && r.carc !== '45');
  return (
    <>
      <p class="status-line">
        Status <strong data-testid="claim-status">{words(summary.status)}</strong> · frequency{' '}
        <strong data-testid="claim-frequency">{summary.frequencyCode}</strong> · version {d.version}
        {d.payerClaimControlNumber && <> · payer claim number {d.payerClaimControlNumber}</>}
      </p>
      <nav aria-label="Claim actions" class="actions">
        {CORRECTABLE.includes(summary.status) && (
          <a href={href({ page: 'correct', claimId: claim.claimId })}>Correct this claim</a>
        )}
        {(denied || APPEALABLE.includes(summary.status)) && (
          <a href={href({ page: 'appeal', claimId: claim.claimId })}>Appeal</a>
        )}
        {d.payerClaimControlNumber && VOIDABLE.includes(summary.status) && (
          <VoidClaim claimId={claim.claimId} version={d.version} onDone={reload} />
        )}
      </nav>
      <section aria-labelledby="c-sum">
        <h2 id="c-sum">Summary</h2>
        <dl class="facts">
          <dt>Practice</dt>
          <dd>{claim.practiceId}</dd>
          <dt>Patient account</dt>
          <dd>{claim.encounterId}</dd>
          <dt>Patient</dt>
          <dd>
            {claim.patient.lastName}, {claim.patient.firstName} (born {claim.patient.dob})
          </dd>
          <dt>Member id</dt>
          <dd>{claim.subscriber.memberId}</dd>
          <dt>Payer</dt>
          <dd>
            {claim.payer.name} ({claim.payer.payerId})
          </dd>
          <dt>Billing provider</dt>
          <dd>
            {claim.billingProvider.name} · NPI {claim.billingProvider.npi}
          </dd>
          <dt>Service</dt>
          <dd>
            {summary.serviceFrom} – {summary.serviceTo} · A/R {summary.arAgeDays} days ({summary.arBucket})
          </dd>
          <dt>Total charge</dt>
          <dd>{money(claim.totalChargeCents)}</dd>
        </dl>
      </section>
      <section aria-labelledby="c-dx">
        <h2 id="c-dx">Diagnoses</h2>
        <ol>
          {claim.diagnoses.map((dx) => (
            <li key={dx}>{dx}</li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="c-lines">
        <h2 id="c-lines">Service lines</h2>
        <table aria-labelledby="c-lines">
          <Thead cols={['Line', 'Date', 'Procedure', 'Modifiers', 'Units', 'Pointers', 'Charge']} />
          <tbody>
            {claim.lines.map((l) => (
              <tr key={l.lineId}>
                <th scope="row">{l.lineId}</th>
                <td>{l.dateOfService}</td>
                <td>{l.procedureCode}</td>
                <td>{l.modifiers.join(', ')}</td>
                <td class="num">{l.units}</td>
                <td>{l.diagnosisPointers.join(', ')}</td>
                <td class="num">{money(l.chargeCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="c-scrub">
        <h2 id="c-scrub">Scrub findings</h2>
        {d.scrubFindings.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul data-testid="scrub-findings">
            {d.scrubFindings.map((f) => (
              <li key={`${f.rule}/${f.lineId ?? ''}/${f.field ?? ''}`}>
                <strong>{f.severity}</strong> {f.rule}
                {f.lineId && ` (line ${f.lineId})`}
                {f.field && ` field ${f.field}`}: {f.message}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="c-time">
        <h2 id="c-time">Timeline</h2>
        <ol class="timeline">
          {d.timeline.map((e) => (
            <li key={`${e.at}/${e.seq}`}>
              <time dateTime={e.at}>{when(e.at)}</time> {e.type} → {words(e.status)}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="c-ledger">
        <h2 id="c-ledger">Ledger</h2>
        <table aria-labelledby="c-ledger">
          <Thead cols={['Posted', 'Kind', 'Code', 'Line', 'Amount', 'Balance']} />
          <tbody>
            {d.ledger.rows.map((r) => (
              <tr key={r.entryId}>
                <td>{when(r.at)}</td>
                <td>{words(r.kind)}</td>
                <td>{r.group && r.carc ? `${r.group}-${r.carc}` : ''}</td>
                <td>{r.lineId ?? ''}</td>
                <td class="num">{money(r.amountCents)}</td>
                <td class="num">{money(r.runningBalanceCents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={5}>
                Open balance (charges {money(d.ledger.totals.chargesCents)}, paid{' '}
                {money(d.ledger.totals.paymentsCents)}, adjusted {money(d.ledger.totals.adjustmentsCents)},
                patient {money(d.ledger.totals.patientResponsibilityCents)})
              </th>
              <td class="num" data-testid="balance">
                {money(d.ledger.totals.balanceCents)}
              </td>
            </tr>
          </tfoot>
        </table>
      </section>
      {d.ledger.totals.patientResponsibilityCents > 0 && <PatientSide claimId={claim.claimId} />}
      <section aria-labelledby="c-x12">
        <h2 id="c-x12">X12 documents</h2>
        <ClaimDocuments claimId={claim.claimId} documents={d.documents} />
      </section>
      <section aria-labelledby="c-work">
        <h2 id="c-work">Work items</h2>
        {d.workItems.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul>
            {d.workItems.map((w) => (
              <li key={`${w.kind}/${w.reference}`}>
                {words(w.kind)} · first seen {when(w.firstSeen)} · {w.occurrences}×
              </li>
            ))}
          </ul>
        )}
        <p>
          <a href={href({ page: 'work' })}>Open the work queue</a>
        </p>
      </section>
    </>
  );
}
