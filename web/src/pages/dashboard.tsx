/** Dashboard: the KPIs and the A/R aging chart (with its table) for all of the caller's practices. */
import type { Schemas } from '../api/client';
import { AgingChart } from '../charts';
import { money, percent } from '../lib/format';
import { must, PageTitle, Show, useApp, useLoad } from '../ui';

export function Dashboard() {
  const { api } = useApp();
  const [data] = useLoad(async () => {
    const [kpis, aging] = await Promise.all([api.GET('/api/reports/kpis'), api.GET('/api/reports/ar-aging')]);
    return { kpis: must(kpis) as Schemas['Kpis'], aging: must(aging) as Schemas['ArAging'] };
  }, [api]);
  return (
    <>
      <PageTitle>Dashboard</PageTitle>
      <Show value={data}>
        {({ kpis, aging }) => (
          <>
            <section aria-labelledby="kpi-h">
              <h2 id="kpi-h">Key figures</h2>
              <dl class="kpis">
                <div>
                  <dt>Claims</dt>
                  <dd>{kpis.claims}</dd>
                </div>
                <div>
                  <dt>Open A/R</dt>
                  <dd>{money(aging.insuranceCents + aging.patientCents)}</dd>
                </div>
                <div>
                  <dt>Days in A/R</dt>
                  <dd>{kpis.daysInAr.days === null ? 'n/a' : kpis.daysInAr.days.toFixed(1)}</dd>
                </div>
                <div>
                  <dt>Clean-claim rate</dt>
                  <dd>{percent(kpis.cleanClaimRate.rate)}</dd>
                </div>
                <div>
                  <dt>First-pass resolution</dt>
                  <dd>{percent(kpis.firstPassResolutionRate.rate)}</dd>
                </div>
                <div>
                  <dt>Denial rate</dt>
                  <dd>{percent(kpis.denials.overall.rate)}</dd>
                </div>
                <div>
                  <dt>Net collection rate</dt>
                  <dd>{percent(kpis.netCollection.rate.rate)}</dd>
                </div>
                <div>
                  <dt>Charge lag (median days)</dt>
                  <dd>{kpis.chargeLag.medianDays ?? 'n/a'}</dd>
                </div>
              </dl>
            </section>
            <section aria-labelledby="aging-h">
              <h2 id="aging-h">A/R aging</h2>
              <AgingChart aging={aging} id="dash-aging-caption" />
            </section>
          </>
        )}
      </Show>
    </>
  );
}
