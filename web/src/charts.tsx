/**
 * A/R aging as a stacked bar chart (chart.js) with a table alternative: the canvas is an image with a
 * short label, the table beside it carries every number for screen readers and keyboard users.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { AR_BUCKETS } from '../../shared/workbench/aging';
import type { Schemas } from './api/client';
import { money } from './lib/format';
import { Thead } from './ui';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

type Aging = Schemas['ArAging'];
/** The A/R age buckets in order (shared with the API's reports). */
export const BUCKETS = AR_BUCKETS;

export function AgingChart({ aging, id }: { aging: Aging; id: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: [...BUCKETS],
        datasets: [
          {
            label: 'Insurance',
            data: BUCKETS.map((b) => aging.totals[b].insuranceCents / 100),
            backgroundColor: '#1f5fa8',
          },
          {
            label: 'Patient',
            data: BUCKETS.map((b) => aging.totals[b].patientCents / 100),
            backgroundColor: '#c2651a',
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { stacked: true, title: { display: true, text: 'days' } }, y: { stacked: true } },
      },
    });
    return () => chart.destroy();
  }, [aging]);
  return (
    <figure class="chart">
      <div class="chart-box">
        <canvas
          ref={canvas}
          role="img"
          aria-label="A/R aging by bucket, insurance and patient; the table below has the figures"
        />
      </div>
      <figcaption id={id}>A/R aging as of {aging.asOf}</figcaption>
      <AgingTable aging={aging} captionId={id} />
    </figure>
  );
}

export function AgingTable({ aging, captionId }: { aging: Aging; captionId: string }) {
  return (
    <table aria-labelledby={captionId}>
      <Thead cols={['Bucket (days)', 'Claims', 'Insurance', 'Patient']} />
      <tbody>
        {BUCKETS.map((b) => (
          <tr key={b}>
            <th scope="row">{b}</th>
            <td class="num">{aging.totals[b].claims}</td>
            <td class="num">{money(aging.totals[b].insuranceCents)}</td>
            <td class="num">{money(aging.totals[b].patientCents)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td class="num">{BUCKETS.reduce((n, b) => n + aging.totals[b].claims, 0)}</td>
          <td class="num">{money(aging.insuranceCents)}</td>
          <td class="num">{money(aging.patientCents)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
