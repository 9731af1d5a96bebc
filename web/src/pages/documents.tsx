/**
 * The claim's X12 documents: the list (kind, direction, date) and, per document, a viewer loaded on
 * demand: the readers' parsed view and this claim's raw excerpt (one segment a line, with its position
 * in the whole file). The document id goes to the API path only, never into the page URL.
 */
import { useState } from 'preact/hooks';
import type { Schemas } from '../api/client';
import { documentTitle, gapBefore, type ParsedDocument, positionText } from '../lib/documents';
import { money, when, words } from '../lib/format';
import { must, Show, Thead, useApp, useLoad } from '../ui';

type Summary = Schemas['ClaimDocumentSummary'];
type Doc = Schemas['ClaimDocument'];

export function ClaimDocuments({ claimId, documents }: { claimId: string; documents: Summary[] }) {
  if (documents.length === 0) return <p>None yet.</p>;
  return (
    <ul class="documents" data-testid="documents">
      {documents.map((d) => (
        <DocumentItem key={d.documentId} claimId={claimId} doc={d} />
      ))}
    </ul>
  );
}

function DocumentItem({ claimId, doc }: { claimId: string; doc: Summary }) {
  const [open, setOpen] = useState(false);
  const title = documentTitle(doc.kind, doc.direction);
  const panel = `doc-${doc.documentId.slice(0, 24)}`;
  return (
    <li>
      <button type="button" aria-expanded={open} aria-controls={panel} onClick={() => setOpen(!open)}>
        {open ? 'Hide' : 'Show'} {title}, {when(doc.at)}
      </button>
      {open && (
        <section id={panel} aria-label={`${title}, ${when(doc.at)}`} class="document">
          <DocumentViewer claimId={claimId} documentId={doc.documentId} />
        </section>
      )}
    </li>
  );
}

function DocumentViewer({ claimId, documentId }: { claimId: string; documentId: string }) {
  const { api } = useApp();
  const [doc] = useLoad(
    async () =>
      must(
        await api.GET('/api/claims/{claimId}/documents/{documentId}', {
          params: { path: { claimId, documentId } },
        }),
      ),
    [api, claimId, documentId],
  );
  return (
    <Show value={doc}>
      {(d) => (
        <>
          {d.parseError && (
            <p role="alert" class="error">
              The reader refused this file: {d.parseError}. Its excerpt is below.
            </p>
          )}
          <Parsed doc={d} />
          <details class="raw">
            <summary>
              Raw X12 excerpt: {d.segments.length} segments, each after its position in the file
            </summary>
            <RawExcerpt segments={d.segments} />
          </details>
        </>
      )}
    </Show>
  );
}

function RawExcerpt({ segments }: { segments: Doc['segments'] }) {
  const widest = segments.at(-1)?.index ?? 0;
  return (
    // Each line: the segment's position in the whole file, then the segment as received.
    <pre class="x12" data-testid="raw-excerpt">
      {segments.map((s, i) => (
        <span key={s.index} class={gapBefore(segments, i) ? 'seg gap' : 'seg'}>
          <span class="pos" title="position in the whole file">
            {positionText(s.index, widest)}
          </span>{' '}
          {s.text}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

function Parsed({ doc }: { doc: Doc }) {
  const parsed = doc.parsed as ParsedDocument | undefined;
  if (doc.kind === '837P') return <SegmentsTable segments={doc.segments} />;
  if (!parsed) return null;
  if (parsed.kind === '999') return <Acks999 acks={parsed.acknowledgments} />;
  if (parsed.kind === '277CA') return <Statuses277 statuses={parsed.statuses} />;
  return <Remits835 remits={parsed.remittances} />;
}

function SegmentsTable({ segments }: { segments: Doc['segments'] }) {
  return (
    <table class="x12-table" aria-label="Segments of this claim">
      <Thead cols={['Position', 'Segment', 'Elements']} />
      <tbody>
        {segments.map((s) => (
          <tr key={s.index}>
            <td class="num">{s.index}</td>
            <th scope="row">{s.id}</th>
            <td>
              <code>{s.elements.join(' | ')}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type P<K extends ParsedDocument['kind']> = Extract<ParsedDocument, { kind: K }>;

function Acks999({ acks }: { acks: P<'999'>['acknowledgments'] }) {
  return (
    <>
      {acks.map((a) => (
        <table key={`${a.interchangeControlNumber}/${a.groupControlNumber}`} class="x12-table">
          <caption>
            999 for group {a.groupControlNumber}: {a.groupAccepted ? 'accepted' : 'rejected'}
          </caption>
          <Thead cols={['Transaction set', 'Control number', 'Result', 'Errors']} />
          <tbody>
            {a.transactions.map((t) => (
              <tr key={t.controlNumber}>
                <td>{t.transactionSetId}</td>
                <td>{t.controlNumber}</td>
                <td>
                  {t.accepted ? 'accepted' : 'rejected'} ({t.code})
                </td>
                <td>{t.errors.join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}

function Statuses277({ statuses }: { statuses: P<'277CA'>['statuses'] }) {
  if (statuses.length === 0) return <p>No status of this claim in this file.</p>;
  return (
    <table class="x12-table" aria-label="277CA statuses of this claim">
      <Thead cols={['Result', 'Category:status', 'Payer claim number', 'Charge', 'Message']} />
      <tbody>
        {statuses.map((s, i) => (
          <tr key={`${s.categoryCode}:${s.statusCode}/${i}`}>
            <td>{s.accepted ? 'accepted' : 'rejected'}</td>
            <td>{(s.statusCodes ?? [`${s.categoryCode}:${s.statusCode}`]).join(', ')}</td>
            <td>{s.payerClaimControlNumber ?? ''}</td>
            <td class="num">{s.chargeCents === undefined ? '' : money(s.chargeCents)}</td>
            <td>{s.message ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const adjustmentsText = (adjs: { group: string; reason: string; amountCents: number }[]): string =>
  adjs.map((a) => `${a.group}-${a.reason} ${money(a.amountCents)}`).join(', ');

function Remits835({ remits }: { remits: P<'835'>['remittances'] }) {
  if (remits.length === 0) return <p>No payment of this claim in this file.</p>;
  return (
    <>
      {remits.map((r) => (
        <div key={`${r.transactionSetControlNumber}/${r.traceNumber}`} class="remit">
          <p>
            Trace {r.traceNumber} · {r.payerName ?? r.payerIdentifier ?? 'payer'} · payment{' '}
            {money(r.paymentCents)} ({r.paymentMethod}){r.paymentDate && ` on ${r.paymentDate}`}
          </p>
          {r.claims.map((c) => (
            <table
              key={`${c.payerClaimControlNumber}/${c.statusCode}`}
              class="x12-table"
              data-testid="remit-payment"
            >
              <caption>
                Claim payment: status {c.statusCode}, charge {money(c.chargeCents)}, paid{' '}
                <strong data-testid="remit-paid">{money(c.paidCents)}</strong>, patient{' '}
                {money(c.patientResponsibilityCents)}, payer claim number {c.payerClaimControlNumber}
                {c.adjustments.length > 0 && `; claim adjustments ${adjustmentsText(c.adjustments)}`}
                {c.remarkCodes.length > 0 && `; remarks ${c.remarkCodes.join(', ')}`}
              </caption>
              <Thead cols={['Procedure', 'Date', 'Charge', 'Paid', 'Adjustments (group-CARC)', 'Remarks']} />
              <tbody>
                {c.services.map((s, i) => (
                  <tr key={`${s.lineItemControlNumber ?? i}`}>
                    <td>
                      {s.procedureCode}
                      {s.modifiers.length > 0 && `-${s.modifiers.join('-')}`}
                    </td>
                    <td>{s.dateOfService ?? ''}</td>
                    <td class="num">{money(s.chargeCents)}</td>
                    <td class="num">{money(s.paidCents)}</td>
                    <td>{adjustmentsText(s.adjustments)}</td>
                    <td>{s.remarkCodes.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
          {r.balanceIssues.length === 0 ? (
            <p>Balanced.</p>
          ) : (
            <ul aria-label="Balancing issues" data-testid="balance-issues">
              {r.balanceIssues.map((b, i) => (
                <li key={`${b.rule}/${b.serviceIndex ?? ''}/${i}`}>
                  {words(b.rule)}
                  {b.serviceIndex !== undefined && ` (service ${b.serviceIndex + 1})`}: expected{' '}
                  {money(b.expectedCents)}, found {money(b.actualCents)}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </>
  );
}
