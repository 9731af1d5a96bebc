/**
 * Writes a synthetic, balanced 835 for the benchmarks: one ISA/GS interchange holding checks
 * (ST/SE transaction sets) of `claimsPerCheck` claims each until the file reaches `megabytes`.
 * Every check is written by shared/x12/write835.ts (so it is what the payer simulator writes),
 * then its ISA/GS/GE/IEA are dropped and its ST02/SE02 renumbered into the one envelope.
 * The data is obviously fake (TESTPATIENT, MEMBERnnn).
 *
 *   npx tsx bench/gen835.ts [--mb 56] [--claims-per-check 1000] [--out /tmp/x.835]
 */
import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Adjustment } from '../shared/x12/types';
import { type ClaimPayment835Input, write835 } from '../shared/x12/write835';

export interface Gen835Options {
  megabytes: number;
  claimsPerCheck: number;
  out?: string;
}

export interface Gen835Result {
  file: string;
  bytes: number;
  checks: number;
  claims: number;
}

const PAYEE_NPI = '1234567893';

/** A deterministic claim payment with 1-3 service lines that balances (every rule); claim k of the file. */
export function claim(k: number): ClaimPayment835Input {
  const lines = 1 + (k % 3);
  const services: ClaimPayment835Input['services'] = [];
  let charge = 0;
  let paid = 0;
  let pr = 0;
  for (let i = 0; i < lines; i++) {
    const lineCharge = 5000 + ((k * 37 + i * 1013) % 20000);
    const contractual = Math.floor(lineCharge / 5);
    const deductible = (k + i) % 4 === 0 ? 1500 : 0;
    const coins = Math.floor(lineCharge / 20);
    const adjustments: Adjustment[] = [{ group: 'CO', reason: '45', amountCents: contractual }];
    if (deductible > 0) adjustments.push({ group: 'PR', reason: '1', amountCents: deductible });
    adjustments.push({ group: 'PR', reason: '2', amountCents: coins });
    const linePaid = lineCharge - contractual - deductible - coins;
    charge += lineCharge;
    paid += linePaid;
    pr += deductible + coins;
    services.push({
      procedureQualifier: 'HC',
      procedureCode: ['99213', '36415', '80053'][i] as string,
      modifiers: i === 0 && k % 2 === 0 ? ['25'] : [],
      chargeCents: lineCharge,
      paidCents: linePaid,
      units: 1,
      lineItemControlNumber: `L${k}-${i + 1}`,
      dateOfService: '2026-01-15',
      adjustments,
      remarkCodes: k % 5 === 0 ? ['N130'] : [],
    });
  }
  return {
    patientControlNumber: `C${String(k).padStart(9, '0')}`,
    statusCode: '1',
    chargeCents: charge,
    paidCents: paid,
    patientResponsibilityCents: pr,
    filingIndicator: '12',
    payerClaimControlNumber: `PCN${k}`,
    adjustments: [],
    remarkCodes: k % 7 === 0 ? ['MA01'] : [],
    patient: { lastName: 'TESTPATIENT', firstName: 'BENCH', memberId: `MEMBER${k}` },
    services,
  };
}

function oneCheck(check: number, firstClaim: number, count: number, plb: boolean): string {
  const claims = Array.from({ length: count }, (_, i) => claim(firstClaim + i));
  const x12 = write835({
    envelope: {
      senderId: 'TESTCLEARING',
      receiverId: 'CLAIMFLOWTEST',
      interchangeControlNumber: 900000001,
      groupControlNumber: 9001,
      transactionSetControlNumber: check,
      usage: 'T',
      createdAt: '2026-02-02T08:30:00.000Z',
    },
    payer: {
      name: 'TEST PAYER',
      identifier: '1999999999',
      address: { line1: '1 PAYER WAY', city: 'TESTCITY', state: 'NY', zip: '12345' },
    },
    payee: { name: 'TEST BILLING CLINIC', npi: PAYEE_NPI },
    traceNumber: `BENCH${String(check).padStart(9, '0')}`,
    paymentMethod: 'ACH',
    paymentDate: '2026-02-10',
    claims,
    providerAdjustments: plb
      ? [{ providerId: PAYEE_NPI, fiscalPeriodDate: '2026-12-31', reason: 'L6', amountCents: -125 }]
      : [],
  }).x12;
  const st = x12.indexOf('~ST*') + 1;
  const ge = x12.lastIndexOf('~GE*') + 1;
  return x12.slice(st, ge);
}

export function generate835(opts: Gen835Options): Gen835Result {
  const file = opts.out ?? path.join(tmpdir(), 'claimflow-bench', `835-${opts.claimsPerCheck}-per-check.x12`);
  mkdirSync(path.dirname(file), { recursive: true });
  const target = opts.megabytes * 1e6;
  const fd = openSync(file, 'w');
  let bytes = 0;
  let checks = 0;
  let claims = 0;
  try {
    bytes += writeSync(fd, envelopeHead());
    while (bytes < target) {
      checks++;
      const count = Math.min(opts.claimsPerCheck, Math.max(1, Math.ceil((target - bytes) / 280)));
      // write one large check in pieces of 5000 claims to keep the generator's memory small
      if (count > 5000) {
        const parts: string[] = [];
        for (let i = 0; i < count; i += 5000)
          parts.push(oneCheck(checks, claims + i, Math.min(5000, count - i), false));
        bytes += writeSync(fd, mergeChecks(parts));
      } else {
        bytes += writeSync(fd, oneCheck(checks, claims, count, checks % 2 === 0));
      }
      claims += count;
    }
    bytes += writeSync(fd, `GE*${checks}*9001~IEA*1*900000001~`);
  } finally {
    closeSync(fd);
  }
  return { file, bytes: statSync(file).size, checks, claims };
}

/** Joins several ST/SE texts (no PLB) of one check number into one ST/SE with one summed BPR02. */
function mergeChecks(parts: string[]): string {
  let paid = 0;
  const bodies: string[] = [];
  let head: string[] = [];
  for (const [i, p] of parts.entries()) {
    const segs = p.split('~').filter((s) => s !== '');
    const lx = segs.findIndex((s) => s.startsWith('LX*'));
    const bpr = (segs.find((s) => s.startsWith('BPR*')) as string).split('*');
    paid += Math.round(Number(bpr[2]) * 100) * (bpr[3] === 'D' ? -1 : 1);
    if (i === 0) head = segs.slice(0, lx + 1);
    bodies.push(segs.slice(lx + 1, segs.length - 1).join('~'));
  }
  const bprIndex = head.findIndex((s) => s.startsWith('BPR*'));
  const bpr = (head[bprIndex] as string).split('*');
  bpr[2] = formatAmount(Math.abs(paid));
  bpr[3] = paid < 0 ? 'D' : 'C';
  head[bprIndex] = bpr.join('*');
  const withoutSe = `${head.join('~')}~${bodies.join('~')}`;
  const count = withoutSe.split('~').length + 1;
  return `${withoutSe}~SE*${count}*${(head[0] as string).split('*')[2]}~`;
}

function formatAmount(cents: number): string {
  const whole = Math.trunc(cents / 100);
  const frac = cents % 100;
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

/** ISA and GS exactly as write835 writes them. */
function envelopeHead(): string {
  const x12 = write835({
    envelope: {
      senderId: 'TESTCLEARING',
      receiverId: 'CLAIMFLOWTEST',
      interchangeControlNumber: 900000001,
      groupControlNumber: 9001,
      transactionSetControlNumber: 1,
      usage: 'T',
      createdAt: '2026-02-02T08:30:00.000Z',
    },
    payer: {
      name: 'TEST PAYER',
      identifier: '1999999999',
      address: { line1: '1 PAYER WAY', city: 'TESTCITY', state: 'NY', zip: '12345' },
    },
    payee: { name: 'TEST BILLING CLINIC', npi: PAYEE_NPI },
    traceNumber: 'BENCH',
    paymentMethod: 'ACH',
    paymentDate: '2026-02-10',
    claims: [claim(0)],
  }).x12;
  return x12.slice(0, x12.indexOf('~ST*') + 1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      mb: { type: 'string', default: '56' },
      'claims-per-check': { type: 'string', default: '1000' },
      out: { type: 'string' },
    },
  });
  const result = generate835({
    megabytes: Number(values.mb),
    claimsPerCheck: Number(values['claims-per-check']),
    ...(values.out ? { out: values.out } : {}),
  });
  console.log(JSON.stringify(result));
}
