/**
 * Claims list: filters (status, payer, practice, date of service, A/R bucket) and a search by claim id
 * or patient account. Everything goes to POST /api/claims/search in the body, so no filter value (a
 * patient account is PHI) ever enters a URL; the filters live in memory only.
 */
import { useState } from 'preact/hooks';
import type { Schemas } from '../api/client';
import { BUCKETS } from '../charts';
import { money, words } from '../lib/format';
import { href } from '../lib/routes';
import { EMPTY_FILTERS, type Filters, STATUSES, searchBody } from '../lib/search';
import { must, PageTitle, PracticeSelect, Show, Thead, useApp, useLoad } from '../ui';

export function Claims() {
  const { api } = useApp();
  const [draft, setDraft] = useState<Filters>(EMPTY_FILTERS);
  const [applied, setApplied] = useState<Filters>(EMPTY_FILTERS);
  // cursors[i] is the cursor that fetches page i (page 0 has none).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const pageNo = cursors.length - 1;
  const [page] = useLoad(
    async () => must(await api.POST('/api/claims/search', { body: searchBody(applied, cursors[pageNo]) })),
    [api, applied, cursors],
  );
  const set = (k: keyof Filters) => (e: Event) =>
    setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });

  return (
    <>
      <PageTitle>Claims</PageTitle>
      <form
        class="filters"
        aria-label="Claim filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft);
          setCursors([undefined]);
        }}
      >
        <label>
          Status
          <select name="status" value={draft.status} onChange={set('status')}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {words(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Payer id
          <input name="payerId" value={draft.payerId} onInput={set('payerId')} autocomplete="off" />
        </label>
        <PracticeSelect
          value={draft.practiceId}
          onChange={(practiceId) => setDraft({ ...draft, practiceId })}
          all
        />
        <label>
          Service from
          <input type="date" name="serviceFrom" value={draft.serviceFrom} onInput={set('serviceFrom')} />
        </label>
        <label>
          Service to
          <input type="date" name="serviceTo" value={draft.serviceTo} onInput={set('serviceTo')} />
        </label>
        <label>
          A/R bucket (days)
          <select name="arBucket" value={draft.arBucket} onChange={set('arBucket')}>
            <option value="">Any</option>
            {BUCKETS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search by
          <select name="searchBy" value={draft.searchBy} onChange={set('searchBy')}>
            <option value="claimId">Claim id</option>
            <option value="patientAccount">Patient account</option>
          </select>
        </label>
        <label>
          Search
          <input name="search" value={draft.search} onInput={set('search')} autocomplete="off" />
        </label>
        <div class="actions">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY_FILTERS);
              setApplied(EMPTY_FILTERS);
              setCursors([undefined]);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <Show value={page}>
        {(p) => (
          <section aria-labelledby="claims-results">
            <h2 id="claims-results">
              Page {pageNo + 1}: {p.items.length} claim{p.items.length === 1 ? '' : 's'}
            </h2>
            <ClaimTable items={p.items} />
            <nav aria-label="Pages" class="actions">
              <button type="button" disabled={pageNo === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous page
              </button>
              <button type="button" disabled={!p.cursor} onClick={() => setCursors([...cursors, p.cursor])}>
                Next page
              </button>
            </nav>
          </section>
        )}
      </Show>
    </>
  );
}

function ClaimTable({ items }: { items: Schemas['ClaimSummary'][] }) {
  if (items.length === 0) return <p>No claims match.</p>;
  return (
    <table class="claims" aria-labelledby="claims-results">
      <Thead cols={['Claim', 'Practice', 'Status', 'Payer', 'Service', 'Charge', 'Freq.', 'A/R days']} />
      <tbody>
        {items.map((c) => (
          <tr key={c.claimId} data-status={c.status}>
            <th scope="row">
              <a href={href({ page: 'claim', claimId: c.claimId })}>{c.claimId}</a>
            </th>
            <td>{c.practiceId}</td>
            <td>{words(c.status)}</td>
            <td>{c.payerName}</td>
            <td>{c.serviceFrom === c.serviceTo ? c.serviceFrom : `${c.serviceFrom} – ${c.serviceTo}`}</td>
            <td class="num">{money(c.totalChargeCents)}</td>
            <td>{c.frequencyCode}</td>
            <td class="num">{c.arAgeDays}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
