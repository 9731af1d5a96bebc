/**
 * "Match to claim" on an UNMATCHED_REMIT / REMIT_MISMATCH work item: list the candidate claims
 * (POST /api/work-items/candidates), pick one (or type a claim id the person knows), confirm, post the
 * match (POST /api/work-items/match).
 * The item's reference (it may hold a patient account) only ever travels in request bodies.
 * Refusals are shown by their rule name (docs/api.md), never a value.
 */
import { useState } from 'preact/hooks';
import type { Schemas } from '../api/client';
import { matchRefusalText, postingText } from '../lib/documents';
import { money, words } from '../lib/format';
import { href } from '../lib/routes';
import { Notice, Thead, useApp } from '../ui';

type Candidate = Schemas['MatchCandidate'];

export function MatchToClaim({
  id,
  kind,
  reference,
  onMatched,
}: {
  /** A DOM-safe id prefix of the work item. */
  id: string;
  kind: string;
  reference: string;
  /** The item is resolved: `text` says what was posted (the queue shows it; this item leaves it). */
  onMatched: (text: string) => void;
}) {
  const { api } = useApp();
  const [candidates, setCandidates] = useState<Candidate[]>();
  const [picked, setPicked] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const item = { kind, reference };

  const choose = (claimId: string) => {
    setPicked(claimId);
    setConfirming(false);
  };

  const find = async () => {
    setNotice(undefined);
    setConfirming(false);
    const r = await api.POST('/api/work-items/candidates', { body: item });
    if (r.data) {
      setCandidates(r.data.candidates);
      setPicked(r.data.candidates[0]?.claimId ?? '');
    } else setNotice({ kind: 'error', text: matchRefusalText(r.response.status, r.error) });
  };

  const match = async () => {
    const r = await api.POST('/api/work-items/match', {
      body: { ...item, claimId: picked, ...(note.trim() ? { note: note.trim() } : {}) },
    });
    setConfirming(false);
    if (r.data) {
      const text = `Matched to ${r.data.claimId}: ${r.data.postings.map((p) => postingText(p, money)).join('; ')}.`;
      setNotice({ kind: 'ok', text });
      onMatched(text);
    } else setNotice({ kind: 'error', text: matchRefusalText(r.response.status, r.error) });
  };

  return (
    <section class="match" aria-labelledby={`${id}-match`}>
      <h3 id={`${id}-match`}>Match to claim</h3>
      <button type="button" onClick={find}>
        {candidates ? 'Find candidate claims again' : 'Find candidate claims'}
      </button>
      {candidates && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (confirming) void match();
            else setConfirming(true);
          }}
        >
          {candidates.length === 0 ? (
            <p>No candidate claim among your practices.</p>
          ) : (
            <table aria-label="Candidate claims, best first">
              <Thead cols={['Pick', 'Claim', 'Practice', 'Payer', 'Status', 'Charge', 'Why']} />
              <tbody>
                {candidates.map((c) => (
                  <tr key={c.claimId}>
                    <td>
                      <input
                        type="radio"
                        name={`${id}-pick`}
                        value={c.claimId}
                        checked={picked === c.claimId}
                        aria-label={`Pick ${c.claimId}`}
                        onChange={() => choose(c.claimId)}
                      />
                    </td>
                    <th scope="row">
                      <a href={href({ page: 'claim', claimId: c.claimId })}>{c.claimId}</a>
                    </th>
                    <td>{c.practiceId}</td>
                    <td>{c.payerId}</td>
                    <td>{words(c.status)}</td>
                    <td class="num">{money(c.totalChargeCents)}</td>
                    <td>
                      {c.reasons.map(words).join(', ')} (score {c.score})
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <label>
            {candidates.length === 0 ? 'Claim id' : 'Or another claim id'}
            <input
              value={candidates.some((c) => c.claimId === picked) ? '' : picked}
              autocomplete="off"
              pattern="[A-Za-z0-9-]{1,38}"
              onInput={(e) => choose(e.currentTarget.value.trim())}
            />
          </label>
          <label>
            Match note
            <input value={note} maxLength={2000} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          {confirming && (
            <p role="status">
              Post this 835 claim payment to {picked}? This posts money to its ledger and resolves the item.
            </p>
          )}
          <div class="actions">
            <button type="submit" disabled={!picked}>
              {confirming ? `Confirm match to ${picked}` : 'Match to the picked claim'}
            </button>
            {confirming && (
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
    </section>
  );
}
