/** Patient statements: run them for a practice (idempotent by run number), download each as a PDF. */
import { useState } from 'preact/hooks';
import { errorText, type Schemas, saveBlob } from '../api/client';
import { money } from '../lib/format';
import { Notice, PageTitle, PracticeSelect, practicesOf, Thead, useApp } from '../ui';

export function Statements() {
  const { api, session } = useApp();
  const [practiceId, setPracticeId] = useState(practicesOf(session.groups)[0] ?? '');
  const [runNumber, setRunNumber] = useState('1');
  const [run, setRun] = useState<Schemas['StatementRun']>();
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string }>();

  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await api.POST('/api/statements/runs', { body: { practiceId, runNumber: Number(runNumber) } });
    if (!r.data) return setNotice({ kind: 'error', text: `The run failed: ${errorText(r.error)}` });
    setRun(r.data);
    setNotice({
      kind: 'ok',
      text:
        r.data.outcome === 'created'
          ? `Run ${r.data.run.runNumber} created: ${r.data.run.statements} statement(s).`
          : `Run ${r.data.run.runNumber} already existed: nothing new was created.`,
    });
  };
  const download = async (n: number) => {
    if (!run) return;
    const r = await api.GET('/api/statements/runs/{practiceId}/{runNumber}/{statementNumber}', {
      params: { path: { practiceId: run.run.practiceId, runNumber: run.run.runNumber, statementNumber: n } },
      parseAs: 'blob',
    });
    if (!r.response.ok || !r.data)
      return setNotice({ kind: 'error', text: `No statement (${r.response.status}).` });
    saveBlob(r.data as unknown as Blob, `statement-${run.run.practiceId}-${run.run.runNumber}-${n}.pdf`);
    setNotice({ kind: 'ok', text: `Statement ${n} downloaded.` });
  };

  return (
    <>
      <PageTitle>Patient statements</PageTitle>
      <form onSubmit={submit} class="filters" aria-label="Statement run">
        <PracticeSelect value={practiceId} onChange={setPracticeId} />
        <label>
          Run number
          <input
            type="number"
            min={1}
            max={999999}
            required
            value={runNumber}
            onInput={(e) => setRunNumber(e.currentTarget.value)}
          />
        </label>
        <div class="actions">
          <button type="submit">Run statements</button>
        </div>
      </form>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {run && (
        <section aria-labelledby="st-list">
          <h2 id="st-list">
            Run {run.run.runNumber} of {run.run.practiceId} ({run.run.statementDate}):{' '}
            {money(run.run.amountDueCents)} due
          </h2>
          {run.statements.length === 0 ? (
            <p>No patient balances: no statements.</p>
          ) : (
            <table aria-labelledby="st-list">
              <Thead cols={['Statement', 'Claims', 'Amount due', 'PDF']} />
              <tbody>
                {run.statements.map((s) => (
                  <tr key={s.statementNumber}>
                    <th scope="row">{s.statementNumber}</th>
                    <td>{s.claimIds.join(', ')}</td>
                    <td class="num">{money(s.amountDueCents)}</td>
                    <td>
                      <button type="button" onClick={() => download(s.statementNumber)}>
                        Download statement {s.statementNumber}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
}
