/** Reports: A/R aging by payer and bucket, the KPIs with denials by CARC and payer, CSV downloads. */
import { useState } from 'preact/hooks';
import { type Schemas, saveBlob } from '../api/client';
import { AgingChart, BUCKETS } from '../charts';
import { money, percent } from '../lib/format';
import { must, Notice, PageTitle, PracticeSelect, Show, Thead, useApp, useLoad } from '../ui';

export function Reports() {
  const { api } = useApp();
  const [practiceId, setPracticeId] = useState('');
  const [notice, setNotice] = useState<string>();
  const query = practiceId ? { practiceId } : {};
  const [data] = useLoad(async () => {
    const [aging, kpis] = await Promise.all([
      api.GET('/api/reports/ar-aging', { params: { query: { ...query, format: 'json' } } }),
      api.GET('/api/reports/kpis', { params: { query: { ...query, format: 'json' } } }),
    ]);
    return { aging: must(aging) as Schemas['ArAging'], kpis: must(kpis) as Schemas['Kpis'] };
  }, [api, practiceId]);

  const download = async (report: 'ar-aging' | 'kpis') => {
    const r = await api.GET(`/api/reports/${report}`, {
      params: { query: { ...query, format: 'csv' } },
      parseAs: 'blob',
    });
    if (!r.response.ok || !r.data) return setNotice(`Download failed (${r.response.status})`);
    saveBlob(r.data as Blob, `${report}${practiceId ? `-${practiceId}` : ''}.csv`);
    setNotice(`Downloaded ${report}.csv`);
  };

  return (
    <>
      <PageTitle>Reports</PageTitle>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <PracticeSelect value={practiceId} onChange={setPracticeId} all />
        <button type="button" onClick={() => download('ar-aging')}>
          Download A/R aging CSV
        </button>
        <button type="button" onClick={() => download('kpis')}>
          Download KPIs CSV
        </button>
      </form>
      {notice && <Notice kind="ok">{notice}</Notice>}
      <Show value={data}>
        {({ aging, kpis }) => (
          <>
            <section aria-labelledby="r-aging">
              <h2 id="r-aging">A/R aging</h2>
              <AgingChart aging={aging} id="rep-aging-caption" />
              <h3 id="r-aging-payer">By payer and bucket</h3>
              <table aria-labelledby="r-aging-payer">
                <Thead cols={['Payer', 'Bucket', 'Claims', 'Insurance', 'Patient']} />
                <tbody>
                  {[...aging.rows]
                    .sort(
                      (a, b) =>
                        a.payerId.localeCompare(b.payerId) ||
                        BUCKETS.indexOf(a.bucket) - BUCKETS.indexOf(b.bucket),
                    )
                    .map((r) => (
                      <tr key={`${r.payerId}/${r.bucket}`}>
                        <th scope="row">{r.payerId}</th>
                        <td>{r.bucket}</td>
                        <td class="num">{r.claims}</td>
                        <td class="num">{money(r.insuranceCents)}</td>
                        <td class="num">{money(r.patientCents)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </section>
            <section aria-labelledby="r-kpis">
              <h2 id="r-kpis">Key figures</h2>
              <table aria-labelledby="r-kpis">
                <tbody>
                  <tr>
                    <th scope="row">Days in A/R</th>
                    <td>{kpis.daysInAr.days === null ? 'n/a' : kpis.daysInAr.days.toFixed(1)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Clean-claim rate</th>
                    <td>{percent(kpis.cleanClaimRate.rate)}</td>
                  </tr>
                  <tr>
                    <th scope="row">First-pass resolution rate</th>
                    <td>{percent(kpis.firstPassResolutionRate.rate)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Denial rate</th>
                    <td>{percent(kpis.denials.overall.rate)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Net collection rate</th>
                    <td>{percent(kpis.netCollection.rate.rate)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Charge lag (average / median / max days)</th>
                    <td>
                      {kpis.chargeLag.averageDays ?? 'n/a'} / {kpis.chargeLag.medianDays ?? 'n/a'} /{' '}
                      {kpis.chargeLag.maxDays ?? 'n/a'}
                    </td>
                  </tr>
                </tbody>
              </table>
              <h3 id="r-carc">Denials by CARC</h3>
              <RateTable id="r-carc" rows={kpis.denials.byCarc.map((d) => [d.carc, d.rate])} label="CARC" />
              <h3 id="r-payer">Denials by payer</h3>
              <RateTable
                id="r-payer"
                rows={kpis.denials.byPayer.map((d) => [d.payerId, d.rate])}
                label="Payer"
              />
            </section>
          </>
        )}
      </Show>
    </>
  );
}

type Rate = { numerator: number; denominator: number; rate: number | null };

function RateTable({ id, rows, label }: { id: string; rows: [string, Rate][]; label: string }) {
  if (rows.length === 0) return <p class="muted">None.</p>;
  return (
    <table aria-labelledby={id}>
      <Thead cols={[label, 'Denied', 'Of', 'Rate']} />
      <tbody>
        {rows.map(([k, r]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td class="num">{r.numerator}</td>
            <td class="num">{r.denominator}</td>
            <td class="num">{percent(r.rate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
