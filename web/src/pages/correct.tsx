/**
 * Correction form: the claim's editable charge-file columns and lines, prefilled with its current
 * values; only what changed is sent (POST /api/claims/{claimId}/correction). A refusal names the line,
 * field and rule (never the value); a conflict asks to reload.
 */
import { useState } from 'preact/hooks';
import type { Schemas } from '../api/client';
import {
  type CorrectionForm,
  correctionBody,
  FORM_FIELDS,
  type FormField,
  formFromClaim,
  LINE_FORM_FIELDS,
  type LineFormField,
} from '../lib/correction';
import { words } from '../lib/format';
import { href } from '../lib/routes';
import { must, Notice, PageTitle, Show, useApp, useLoad } from '../ui';
import { CORRECTABLE } from './claim';

type Refusal = Schemas['CorrectionRefused'];

export function CorrectPage({ claimId }: { claimId: string }) {
  const { api } = useApp();
  const [detail, reload] = useLoad(
    async () => must(await api.GET('/api/claims/{claimId}', { params: { path: { claimId } } })),
    [api, claimId],
  );
  return (
    <>
      <PageTitle>Correct claim {claimId}</PageTitle>
      <p>
        <a href={href({ page: 'claim', claimId })}>Back to the claim</a>
      </p>
      <Show value={detail}>{(d) => <Form key={d.version} d={d} reload={reload} />}</Show>
    </>
  );
}

function Form({ d, reload }: { d: Schemas['ClaimDetail']; reload: () => void }) {
  const { api } = useApp();
  const [initial] = useState<CorrectionForm>(() => formFromClaim(d.claim));
  const [form, setForm] = useState<CorrectionForm>(initial);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<
    | { kind: 'ok'; changed: string[]; resumed: string }
    | { kind: 'refused'; refusal: Refusal }
    | { kind: 'error'; text: string }
  >();
  const claimId = d.claim.claimId;
  if (!CORRECTABLE.includes(d.summary.status))
    return (
      <Notice kind="error">
        This claim is {words(d.summary.status)}; only claims that wait for a correction can be corrected.
      </Notice>
    );

  const setField = (k: FormField, v: string) => setForm({ ...form, fields: { ...form.fields, [k]: v } });
  const setLine = (i: number, k: LineFormField, v: string) =>
    setForm({ ...form, lines: form.lines.map((l, j) => (j === i ? { ...l, [k]: v } : l)) });

  const submit = async (e: Event) => {
    e.preventDefault();
    const body = correctionBody(initial, form, d.version);
    if (!body) return setResult({ kind: 'error', text: 'Nothing was changed.' });
    setBusy(true);
    try {
      const r = await api.POST('/api/claims/{claimId}/correction', { params: { path: { claimId } }, body });
      if (r.data) setResult({ kind: 'ok', changed: r.data.changedFields, resumed: r.data.resumed });
      else if (r.response.status === 409 || r.response.status === 422)
        setResult({ kind: 'refused', refusal: r.error as Refusal });
      else setResult({ kind: 'error', text: `The correction failed (${r.response.status}).` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-describedby="correct-help" class="correction">
      <p id="correct-help">
        Values as in a charge file: dates YYYY-MM-DD, charges like 125.00, modifiers and pointers separated by
        colons. Only changed values are sent; the claim is scrubbed again and its workflow resumes.
      </p>
      <CurrentFindings findings={d.scrubFindings} />
      <fieldset>
        <legend>Claim</legend>
        <div class="grid">
          {FORM_FIELDS.map(([k, label]) => (
            <label key={k}>
              {label}
              <input
                name={k}
                value={form.fields[k]}
                autocomplete="off"
                onInput={(e) => setField(k, e.currentTarget.value)}
              />
            </label>
          ))}
        </div>
      </fieldset>
      {form.lines.map((line, i) => (
        <fieldset key={line.line_id}>
          <legend>Line {line.line_id}</legend>
          <div class="grid">
            {LINE_FORM_FIELDS.map(([k, label]) => (
              <label key={k}>
                {label}
                <input
                  name={`${line.line_id}.${k}`}
                  value={line[k]}
                  autocomplete="off"
                  onInput={(e) => setLine(i, k, e.currentTarget.value)}
                />
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <div class="actions">
        <button type="submit" disabled={busy}>
          Save correction and resubmit
        </button>
        <button type="button" onClick={() => setForm(initial)}>
          Undo my changes
        </button>
      </div>
      {result?.kind === 'ok' && (
        <Notice kind="ok">
          Correction saved ({result.changed.join(', ') || 'no field'}); the workflow was{' '}
          {result.resumed === 'answered' ? 'resumed' : 'given the correction'}.{' '}
          <a href={href({ page: 'claim', claimId })}>See the claim</a>
        </Notice>
      )}
      {result?.kind === 'error' && <Notice kind="error">{result.text}</Notice>}
      {result?.kind === 'refused' && <Refused refusal={result.refusal} reload={reload} />}
    </form>
  );
}

function CurrentFindings({ findings }: { findings: Schemas['ScrubFinding'][] }) {
  if (findings.length === 0) return null;
  return (
    <section aria-labelledby="cur-find" class="findings">
      <h2 id="cur-find">What the scrubber found</h2>
      <ul>
        {findings.map((f) => (
          <li key={`${f.rule}/${f.lineId ?? ''}/${f.field ?? ''}`}>
            {f.rule}
            {f.lineId && ` line ${f.lineId}`}
            {f.field && ` field ${f.field}`}: {f.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Refused({ refusal, reload }: { refusal: Refusal; reload: () => void }) {
  const head: Record<Refusal['error'], string> = {
    conflict: 'The claim changed since you opened it. Reload it and make your change again.',
    not_correctable: `The claim cannot be corrected now (${refusal.status ?? 'status'}).`,
    invalid_correction: 'The correction was refused; nothing was saved:',
    scrub_errors: 'The corrected claim still fails the scrub rules; nothing was saved:',
    no_change: 'Nothing was changed.',
  };
  return (
    <div role="alert" class="error" data-testid="refused">
      <p>{head[refusal.error]}</p>
      <ul>
        {(refusal.issues ?? []).map((i) => (
          <li key={`${i.lineId ?? ''}/${i.field ?? ''}/${i.reason}`}>
            {i.lineId && `line ${i.lineId} `}
            {i.field && <strong>{i.field}</strong>}: {i.reason}
          </li>
        ))}
        {(refusal.findings ?? [])
          .filter((f) => f.severity === 'error')
          .map((f) => (
            <li key={`${f.rule}/${f.lineId ?? ''}/${f.field ?? ''}`}>
              {f.lineId && `line ${f.lineId} `}
              {f.field && <strong>{f.field}</strong>} {f.rule}: {f.message}
            </li>
          ))}
      </ul>
      {refusal.error === 'conflict' && (
        <button type="button" onClick={reload}>
          Reload the claim
        </button>
      )}
    </div>
  );
}
