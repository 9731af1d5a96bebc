/**
 * Posting one 835 file in this process (run by bench/run.ts in a child process, so the peak RSS is
 * its own): postRemittanceFile's two passes over the file read from disk, against a store that
 * keeps nothing (every claim is made on demand from its CLP01, every posting answers 'posted'),
 * so what grows with the check is the posting code's own memory. Prints one JSON line.
 *
 *   npx tsx bench/post835.ts <file>
 */
import { createReadStream, statSync } from 'node:fs';
import { chargeEntries } from '../shared/posting/ledger';
import { postRemittanceFile, type RemitPorts } from '../shared/services/remit';
import { makeClaim, makeLine } from '../test/unit/x12/fixtures';
import { claim as claimPayment } from './gen835';

export interface PostResult {
  bytes: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  claims: number;
  posted: number;
  workItems: number;
}

/** Our claim for CLP01 "C000000123": the one bench/gen835.ts paid as claim 123. */
function claimFor(id: string) {
  const k = Number(id.slice(1));
  if (!/^C\d{9}$/.test(id)) return undefined;
  const payment = claimPayment(k);
  return makeClaim({
    claimId: id,
    lines: payment.services.map((s) =>
      makeLine({
        lineId: s.lineItemControlNumber ?? '',
        procedureCode: s.procedureCode,
        chargeCents: s.chargeCents,
      }),
    ),
  });
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? '';
  const bytes = statSync(file).size;
  let claims = 0;
  let posted = 0;
  let workItems = 0;
  const ports: RemitPorts = {
    loadClaim: async (id) => {
      claims++;
      return claimFor(id);
    },
    ledger: async (id) => ({
      entries: chargeEntries(claimFor(id) as NonNullable<ReturnType<typeof claimFor>>),
      version: 0,
    }),
    post: async () => {
      posted++;
      return 'posted';
    },
    postProviderAdjustment: async () => 'posted',
    deliver: async () => 'answered',
    recordRemit: async () => {},
    workItem: async () => {
      workItems++;
    },
    now: () => new Date('2026-11-01T00:00:00Z'),
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await postRemittanceFile(() => createReadStream(file, { highWaterMark: 1 << 16 }), 'bench.835', ports);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const result: PostResult = {
    bytes,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    claims,
    posted,
    workItems,
  };
  console.log(JSON.stringify(result));
}

await main();
