/**
 * Appeal of a denied claim: open it (records the deadline once), download the packet PDF (letter,
 * proof of timely filing, attachment list), record the payer's decision.
 */
import { useState } from 'preact/hooks';
import { errorText, type Schemas, saveBlob } from '../api/client';
import { money, when, words } from '../lib/format';
import { href } from '../lib/routes';
import { Notice, PageTitle, useApp } from '../ui';

const OUTCOMES = ['OVERTURNED', 'PARTIALLY_OVERTURNED', 'UPHELD', 'WITHDRAWN'] as const;

export function AppealPage({ claimId }: { claimId: string }) {
  const { api } = useApp();
  const [appeal, setAppeal] = useState<Schemas['Appeal']>();
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('OVERTURNED');
  const [decidedOn, setDecidedOn] = useState(new Date().toISOString().slice(0, 10));
  const path = { params: { path: { claimId } } };

  const open = async () => {
    const r = await api.POST('/api/claims/{claimId}/appeal', path);
    if (r.data) {
      setAppeal(r.data);
      setNotice({
        kind: 'ok',
        text: r.data.recorded === 'saved' ? 'Appeal opened.' : 'The appeal was already open.',
      });
    } else setNotice({ kind: 'error', text: `Could not open the appeal: ${errorText(r.error)}` });
  };
  const packet = async () => {
    const r = await api.GET('/api/claims/{claimId}/appeal/packet', { ...path, parseAs: 'blob' });
    if (!r.response.ok || !r.data)
      return setNotice({ kind: 'error', text: `No packet (${r.response.status}).` });
    saveBlob(r.data as unknown as Blob, `appeal-${claimId}.pdf`);
    setNotice({ kind: 'ok', text: 'Appeal packet downloaded.' });
  };
  const record = async (e: Event) => {
    e.preventDefault();
    const r = await api.POST('/api/claims/{claimId}/appeal/outcome', {
      ...path,
      body: { outcome, decidedOn },
    });
    if (r.data)
      setNotice({
        kind: 'ok',
        text:
          r.data.recorded === 'saved'
            ? `Outcome ${words(outcome)} recorded.`
            : 'That outcome was already recorded.',
      });
    else setNotice({ kind: 'error', text: `Could not record the outcome: ${errorText(r.error)}` });
  };

  return (
    <>
      <PageTitle>Appeal for claim {claimId}</PageTitle>
      <p>
        <a href={href({ page: 'claim', claimId })}>Back to the claim</a>
      </p>
      <div class="actions">
        <button type="button" onClick={open}>
          Open appeal
        </button>
        <button type="button" onClick={packet}>
          Download appeal packet (PDF)
        </button>
      </div>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {appeal && (
        <section aria-labelledby="ap-facts">
          <h2 id="ap-facts">Appeal</h2>
          <dl class="facts">
            <dt>Category</dt>
            <dd>{words(appeal.category)}</dd>
            <dt>Deadline</dt>
            <dd data-testid="appeal-deadline">
              {appeal.deadline} ({appeal.appealDays} days from the 835 of {appeal.denial.remitDate})
            </dd>
            <dt>Denial codes</dt>
            <dd>
              <ul>
                {appeal.denial.codes.map((c) => (
                  <li key={`${c.kind}/${c.code}/${c.lineId ?? ''}`}>
                    {c.kind} {c.code}: {c.meaning}
                    {c.amountCents !== undefined && ` (${money(c.amountCents)})`}
                    {c.lineId && ` line ${c.lineId}`}
                  </li>
                ))}
              </ul>
            </dd>
            <dt>Timely filing</dt>
            <dd>
              {appeal.timelyFiling.submissions.map((s) => (
                <span key={s.at}>
                  sent {when(s.at)}
                  {s.interchangeControlNumber && ` (ISA13 ${s.interchangeControlNumber})`};{' '}
                </span>
              ))}
            </dd>
            <dt>Attachments</dt>
            <dd>{appeal.attachments.join('; ') || 'none'}</dd>
          </dl>
          <h3>Argument</h3>
          <p class="argument">{appeal.argument}</p>
        </section>
      )}
      <form onSubmit={record} aria-labelledby="ap-outcome">
        <h2 id="ap-outcome">Payer's decision</h2>
        <label>
          Outcome
          <select
            value={outcome}
            onChange={(e) => setOutcome(e.currentTarget.value as (typeof OUTCOMES)[number])}
          >
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {words(o)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Decided on
          <input
            type="date"
            value={decidedOn}
            required
            onInput={(e) => setDecidedOn(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Record outcome</button>
      </form>
    </>
  );
}
