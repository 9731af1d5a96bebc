import { describe, expect, it } from 'vitest';
import type { RemitRoute } from '../../../shared/claims/workflow';
import { CARC_ROUTES, carcRoute, remitRoute, routeRemit } from '../../../shared/posting/route';
import { read835Sync } from '../../../shared/x12/read835';
import type { Adjustment } from '../../../shared/x12/types';
import { adj, describeWithSamples, payment, readSample, service } from './helpers';

/** A denied claim (CLP02 4, nothing paid) whose whole charge is adjusted by these CAS. */
function denied(...cas: Adjustment[]) {
  return payment({ statusCode: '4', paidCents: 0, adjustments: cas });
}

describe('remitRoute: paid claims', () => {
  const cases: [string, Parameters<typeof payment>[0], RemitRoute][] = [
    ['primary paid in full', { statusCode: '1' }, 'PAID'],
    ['secondary paid', { statusCode: '2', paidCents: 4000, adjustments: [adj('CO', '45', 6000)] }, 'PAID'],
    ['tertiary paid', { statusCode: '3', paidCents: 100, adjustments: [adj('OA', '23', 9900)] }, 'PAID'],
    ['processed and forwarded', { statusCode: '19' }, 'PAID'],
    [
      'paid with PR in CLP05',
      { paidCents: 8000, patientResponsibilityCents: 2000, adjustments: [adj('PR', '2', 2000)] },
      'PATIENT_BALANCE',
    ],
    [
      'paid with PR only in line CAS',
      { paidCents: 9000, services: [service({ adjustments: [adj('PR', '3', 1000)] })] },
      'PATIENT_BALANCE',
    ],
    [
      'nothing paid, all deductible',
      { paidCents: 0, patientResponsibilityCents: 10000, adjustments: [adj('PR', '1', 10000)] },
      'PATIENT_BALANCE',
    ],
    [
      'nothing paid, deductible + contractual',
      {
        paidCents: 0,
        patientResponsibilityCents: 6000,
        adjustments: [adj('CO', '45', 4000), adj('PR', '1', 6000)],
      },
      'PATIENT_BALANCE',
    ],
    ['reversal', { statusCode: '22', chargeCents: -10000, paidCents: -10000 }, 'HUMAN_REVIEW'],
    ['unknown status (25 predetermination)', { statusCode: '25' }, 'HUMAN_REVIEW'],
    ['processed, nothing paid, no reasons', { paidCents: 0 }, 'HUMAN_REVIEW'],
  ];
  it.each(cases)('%s', (_name, overrides, route) => {
    expect(remitRoute(payment(overrides))).toBe(route);
  });
});

describe('remitRoute: denials routed by CARC', () => {
  const table: [string, RemitRoute][] = [
    ['16', 'CORRECT'],
    ['4', 'CORRECT'],
    ['5', 'CORRECT'],
    ['6', 'CORRECT'],
    ['11', 'CORRECT'],
    ['125', 'CORRECT'],
    ['146', 'CORRECT'],
    ['181', 'CORRECT'],
    ['182', 'CORRECT'],
    ['189', 'CORRECT'],
    ['252', 'CORRECT'],
    ['50', 'APPEAL'],
    ['55', 'APPEAL'],
    ['56', 'APPEAL'],
    ['57', 'APPEAL'],
    ['96', 'APPEAL'],
    ['167', 'APPEAL'],
    ['197', 'APPEAL'],
    ['198', 'APPEAL'],
    ['15', 'APPEAL'],
    ['151', 'APPEAL'],
    ['29', 'WRITE_OFF'],
    ['18', 'WRITE_OFF'],
    ['119', 'WRITE_OFF'],
    ['45', 'WRITE_OFF'],
    ['22', 'SECONDARY'],
    ['23', 'SECONDARY'],
    ['109', 'SECONDARY'],
    ['A1', 'HUMAN_REVIEW'],
    ['999', 'HUMAN_REVIEW'],
  ];
  it.each(table)('CO-%s -> %s', (carc, route) => {
    expect(remitRoute(denied(adj('CO', carc, 10000)))).toBe(route);
  });

  it('routes a zero-paid primary claim the same way as CLP02 4', () => {
    expect(
      remitRoute(payment({ statusCode: '1', paidCents: 0, adjustments: [adj('CO', '50', 10000)] })),
    ).toBe('APPEAL');
  });

  it('reads line-level CAS too', () => {
    const p = payment({
      statusCode: '4',
      paidCents: 0,
      services: [service({ adjustments: [adj('CO', '197', 10000)] })],
    });
    expect(remitRoute(p)).toBe('APPEAL');
  });

  it('applies precedence CORRECT > SECONDARY > APPEAL > HUMAN_REVIEW > WRITE_OFF', () => {
    expect(remitRoute(denied(adj('CO', '50', 5000), adj('CO', '16', 5000)))).toBe('CORRECT');
    expect(remitRoute(denied(adj('CO', '50', 5000), adj('OA', '22', 5000)))).toBe('SECONDARY');
    expect(remitRoute(denied(adj('CO', '45', 5000), adj('CO', '50', 5000)))).toBe('APPEAL');
    expect(remitRoute(denied(adj('CO', '45', 5000), adj('CO', 'ZZ9', 5000)))).toBe('HUMAN_REVIEW');
    expect(remitRoute(denied(adj('CO', '45', 5000), adj('CO', '29', 5000)))).toBe('WRITE_OFF');
  });

  it('ignores zero-amount CAS and treats PR on a denial as the patient balance', () => {
    expect(remitRoute(denied(adj('CO', '50', 0), adj('CO', '29', 10000)))).toBe('WRITE_OFF');
    expect(remitRoute(denied(adj('PR', '204', 10000)))).toBe('PATIENT_BALANCE');
    expect(remitRoute(denied())).toBe('HUMAN_REVIEW');
  });

  it('every table entry documents why', () => {
    for (const [carc, { route, why }] of Object.entries(CARC_ROUTES)) {
      expect(why.length, carc).toBeGreaterThan(5);
      expect(carcRoute(carc)).toBe(route);
    }
  });
});

describe('routeRemit outcome', () => {
  it('summarises amounts and unique group-CARC codes', () => {
    const p = payment({
      paidCents: 7000,
      patientResponsibilityCents: 2000,
      payerClaimControlNumber: 'PCN9',
      adjustments: [adj('CO', '45', 1000)],
      services: [service({ adjustments: [adj('PR', '1', 1500), adj('PR', '2', 500), adj('CO', '45', 0)] })],
    });
    expect(routeRemit(p, 'TRACE9')).toEqual({
      route: 'PATIENT_BALANCE',
      paidCents: 7000,
      patientResponsibilityCents: 2000,
      adjustmentCents: 1000,
      carcs: ['CO-45', 'PR-1', 'PR-2'],
      payerClaimControlNumber: 'PCN9',
      traceNumber: 'TRACE9',
    });
  });
});

describeWithSamples('on public 835 samples', () => {
  it('routes the pyx12 denial (CLP02 4, CO-16 + OA-A7) to CORRECT', () => {
    const [remit] = read835Sync(readSample('835_pyx12_mult_loops.txt'));
    const p = remit?.claims[0];
    if (!remit || !p) throw new Error('sample did not parse');
    const outcome = routeRemit(p, remit.traceNumber);
    expect(outcome.route).toBe('CORRECT');
    expect(outcome.carcs).toEqual(['CO-16', 'OA-A7']);
    expect(outcome.paidCents).toBe(0);
  });

  it('routes the eMedNY claims: paid, timely-filing denial, paid', () => {
    const [remit] = read835Sync(readSample('835_edi835parser_emedny_sample.txt'));
    expect(remit?.claims.map((p) => remitRoute(p))).toEqual(['PAID', 'WRITE_OFF', 'PAID']);
  });
});
