/**
 * 837P generation in this process (run by bench/run.ts in a child process of its own, as the 835
 * parsers are, so the JIT feedback and the heap of the bench's other work do not weigh on it):
 * 400 batches of 50 claims (`write837P`, validation included) `runs` times after one warm-up
 * batch; prints one JSON line with the best run's wall and CPU time and the first run's CPU time.
 *
 *   npx tsx bench/write837.ts [runs]
 */
import type { Claim } from '../shared/claims/model';
import { write837P } from '../shared/x12/write837p';
import { makeClaim, makeDependentClaim, makeEnvelope, makeLine } from '../test/unit/x12/fixtures';

export interface Write837Result {
  claims: number;
  wallMs: number;
  cpuMs: number;
  firstCpuMs: number;
}

const sample: Claim[] = Array.from({ length: 50 }, (_, k) =>
  k % 4 === 0
    ? makeDependentClaim({ claimId: `C${k}` })
    : makeClaim({
        claimId: `C${k}`,
        lines: [makeLine(), makeLine({ lineId: 'L2', procedureCode: '36415' })],
      }),
);

function run(): number {
  let claims = 0;
  for (let batch = 0; batch < 400; batch++) {
    const out = write837P({
      claims: sample,
      envelope: makeEnvelope({
        interchangeControlNumber: 100000000 + batch,
        transactionSetControlNumber: batch + 1,
      }),
    });
    if (out.x12.length === 0) throw new Error('empty 837P');
    claims += sample.length;
  }
  return claims;
}

const runs = Math.max(1, Number(process.argv[2] ?? 3));
write837P({ claims: sample, envelope: makeEnvelope() }); // warm up
let best: Write837Result | undefined;
let firstCpuMs = 0;
for (let i = 0; i < runs; i++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const claims = run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (i === 0) firstCpuMs = cpuMs;
  if (!best || cpuMs < best.cpuMs) best = { claims, wallMs, cpuMs, firstCpuMs: 0 };
}
console.log(JSON.stringify({ ...(best as Write837Result), firstCpuMs }));
