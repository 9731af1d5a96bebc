/** Work queue: items by kind, payer and age; assign, comment, resolve; match a remit to a claim. */
import { useState } from 'preact/hooks';
import { errorText, type Schemas } from '../api/client';
import { isMatchable } from '../lib/documents';
import { when, words } from '../lib/format';
import { href } from '../lib/routes';
import { WORK_KINDS } from '../lib/work';
import { must, Notice, PageTitle, Show, useApp, useLoad } from '../ui';
import { MatchToClaim } from './match';

/** The list's items carry more than the schema's WorkItem (docs/api.md). */
type Item = Schemas['WorkItem'] & {
  state?: 'open' | 'resolved';
  ageDays?: number;
  claimId?: string;
  payerId?: string;
  claimStatus?: string;
  assignee?: string;
  comments?: { by: string; at: string; text: string }[];
  resolution?: { by: string; at: string; note?: string };
};

interface Filters {
  kind: string;
  payerId: string;
  minAgeDays: string;
  state: 'open' | 'resolved' | 'all';
}

export function WorkQueue() {
  const { api } = useApp();
  const [draft, setDraft] = useState<Filters>({ kind: '', payerId: '', minAgeDays: '', state: 'open' });
  const [applied, setApplied] = useState(draft);
  const [matched, setMatched] = useState<string>();
  const [list, reload] = useLoad(async () => {
    const query = {
      state: applied.state,
      ...(applied.kind ? { kind: applied.kind } : {}),
      ...(applied.payerId.trim() ? { payerId: applied.payerId.trim() } : {}),
      ...(applied.minAgeDays ? { minAgeDays: Number(applied.minAgeDays) } : {}),
    };
    return must(await api.GET('/api/work-items', { params: { query } })).items as Item[];
  }, [api, applied]);
  const set = (k: keyof Filters) => (e: Event) =>
    setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });

  return (
    <>
      <PageTitle>Work queue</PageTitle>
      <form
        class="filters"
        aria-label="Work item filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft);
        }}
      >
        <label>
          Kind
          <select value={draft.kind} onChange={set('kind')}>
            <option value="">Any</option>
            {WORK_KINDS.map((k) => (
              <option key={k} value={k}>
                {words(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Payer id
          <input value={draft.payerId} onInput={set('payerId')} autocomplete="off" />
        </label>
        <label>
          At least this many days old
          <input type="number" min={0} value={draft.minAgeDays} onInput={set('minAgeDays')} />
        </label>
        <label>
          State
          <select value={draft.state} onChange={set('state')}>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
            <option value="all">All</option>
          </select>
        </label>
        <div class="actions">
          <button type="submit">Apply filters</button>
        </div>
      </form>
      {matched && <Notice kind="ok">{matched}</Notice>}
      <Show value={list}>
        {(items) =>
          items.length === 0 ? (
            <p>No work items.</p>
          ) : (
            <ul class="work">
              {items.map((it) => (
                <WorkItemCard
                  key={`${it.kind}/${it.reference}`}
                  item={it}
                  onChange={reload}
                  onMatched={(text) => {
                    setMatched(text);
                    reload();
                  }}
                />
              ))}
            </ul>
          )
        }
      </Show>
    </>
  );
}

function WorkItemCard({
  item,
  onChange,
  onMatched,
}: {
  item: Item;
  onChange: () => void;
  onMatched: (text: string) => void;
}) {
  const { api, session } = useApp();
  const [comment, setComment] = useState('');
  const [note, setNote] = useState('');
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const id = `wi-${item.kind}-${item.reference}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const name = { kind: item.kind, reference: item.reference };
  const done = (r: { data?: unknown; error?: unknown }, ok: string) => {
    if (r.data) {
      setNotice({ kind: 'ok', text: ok });
      onChange();
    } else setNotice({ kind: 'error', text: errorText(r.error) });
  };

  return (
    <li aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        {words(item.kind)} · {item.reference}
      </h2>
      <p>
        {item.state ?? 'open'} · {item.ageDays ?? '?'} days old · first seen {when(item.firstSeen)} ·{' '}
        {item.occurrences}× {item.payerId && `· payer ${item.payerId}`}
        {item.claimId && (
          <>
            {' '}
            · claim <a href={href({ page: 'claim', claimId: item.claimId })}>{item.claimId}</a>
            {item.claimStatus && ` (${words(item.claimStatus)})`}
          </>
        )}
      </p>
      <p>Assigned to: {item.assignee ?? 'nobody'}</p>
      {(item.comments ?? []).length > 0 && (
        <ul aria-label="Comments">
          {(item.comments ?? []).map((c) => (
            <li key={`${c.at}/${c.by}`}>
              {when(c.at)} {c.by}: {c.text}
            </li>
          ))}
        </ul>
      )}
      {item.resolution ? (
        <p>
          Resolved {when(item.resolution.at)} by {item.resolution.by}
          {item.resolution.note && `: ${item.resolution.note}`}
        </p>
      ) : (
        <div class="work-actions">
          <button
            type="button"
            onClick={async () =>
              done(
                await api.POST('/api/work-items/assign', {
                  body: item.assignee === session.sub ? name : { ...name, assignee: session.sub },
                }),
                item.assignee === session.sub ? 'Unassigned.' : 'Assigned to you.',
              )
            }
          >
            {item.assignee === session.sub ? 'Unassign me' : 'Assign to me'}
          </button>
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              done(
                await api.POST('/api/work-items/comment', { body: { ...name, text: comment } }),
                'Comment added.',
              );
              setComment('');
            }}
          >
            <label>
              Comment
              <input
                value={comment}
                required
                maxLength={2000}
                onInput={(e) => setComment(e.currentTarget.value)}
              />
            </label>
            <button type="submit">Add comment</button>
          </form>
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              done(
                await api.POST('/api/work-items/resolve', { body: note ? { ...name, note } : name }),
                'Resolved.',
              );
            }}
          >
            <label>
              Resolution note
              <input value={note} maxLength={2000} onInput={(e) => setNote(e.currentTarget.value)} />
            </label>
            <button type="submit">Resolve</button>
          </form>
          {isMatchable(item.kind) && (
            <MatchToClaim id={id} kind={item.kind} reference={item.reference} onMatched={onMatched} />
          )}
        </div>
      )}
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
    </li>
  );
}
