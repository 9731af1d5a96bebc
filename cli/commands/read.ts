/**
 * claimflow read FILE: an 835, 999 or 277CA as a JSON summary with its balancing result. The type is
 * detected from the envelope (GS01 / ST01). The summary carries ids, codes and amounts: the readers
 * return no patient names.
 */
import { parseArgs } from 'node:util';
import {
  checkBalance,
  detectTransaction,
  type Remittance,
  read277CA,
  read835,
  read999,
  X12Error,
} from '../../shared/x12';
import {
  EXIT_FINDINGS,
  EXIT_OK,
  type Io,
  inputFile,
  PROGRESS_BYTES,
  readChunks,
  readPrefix,
  UsageError,
} from '../io';

export const READ_USAGE = `usage: claimflow read FILE [--progress]
  Prints an 835 (remittance), 999 or 277CA as JSON with its balancing / acceptance result.
  Exit 0 when an 835 balances (always for 999 and 277CA), 1 when it does not, 2 when the file
  is missing, not X12 or another transaction set.`;

function remitSummary(r: Remittance) {
  const issues = checkBalance(r);
  return {
    traceNumber: r.traceNumber,
    payerName: r.payerName ?? null,
    payerIdentifier: r.payerIdentifier ?? null,
    payeeNpi: r.payeeNpi ?? null,
    paymentCents: r.paymentCents,
    paymentMethod: r.paymentMethod,
    paymentDate: r.paymentDate ?? null,
    transactionSetControlNumber: r.transactionSetControlNumber,
    claims: r.claims.map((c) => ({
      claimId: c.patientControlNumber,
      status: c.statusCode,
      chargeCents: c.chargeCents,
      paidCents: c.paidCents,
      patientResponsibilityCents: c.patientResponsibilityCents,
      payerClaimControlNumber: c.payerClaimControlNumber,
      adjustments: [...c.adjustments, ...c.services.flatMap((s) => s.adjustments)].map(
        (a) => `${a.group}-${a.reason} ${a.amountCents}`,
      ),
      serviceLines: c.services.length,
    })),
    providerAdjustmentCents: r.providerAdjustments.reduce((s, p) => s + p.amountCents, 0),
    balance: { balanced: issues.length === 0, issues },
  };
}

export async function read(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { progress: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError(`read takes one X12 file\n${READ_USAGE}`);
  const { file, size } = inputFile(positionals[0], 'X12 file');
  const prefix = await readPrefix(file);
  let detected: ReturnType<typeof detectTransaction>;
  try {
    detected = detectTransaction(prefix);
  } catch (err) {
    throw new UsageError(`${file}: not X12 (${err instanceof X12Error ? err.message : 'unreadable'})`);
  }
  const input = readChunks(file, size, io, values.progress ?? size > PROGRESS_BYTES, file);
  const base = {
    file,
    interchangeControlNumber: detected.interchangeControlNumber,
    version: detected.version,
    usage: detected.usage,
  };
  try {
    switch (detected.transactionSetId) {
      case '835': {
        const remits = (await read835(input)).map(remitSummary);
        const balanced = remits.every((r) => r.balance.balanced);
        io.out(JSON.stringify({ ...base, type: '835', balanced, remittances: remits }, null, 2));
        return balanced ? EXIT_OK : EXIT_FINDINGS;
      }
      case '999': {
        const acks = await read999(input);
        const transactions = acks.flatMap((a) => a.transactions);
        io.out(
          JSON.stringify(
            {
              ...base,
              type: '999',
              accepted: acks.every((a) => a.groupAccepted),
              transactionsAccepted: transactions.filter((t) => t.accepted).length,
              transactionsRejected: transactions.filter((t) => !t.accepted).length,
              acknowledgments: acks,
            },
            null,
            2,
          ),
        );
        return EXIT_OK;
      }
      case '277': {
        const acks = await read277CA(input);
        const claims = acks.flatMap((a) => a.claims);
        io.out(
          JSON.stringify(
            {
              ...base,
              type: '277CA',
              claimsAccepted: claims.filter((c) => c.accepted).length,
              claimsRejected: claims.filter((c) => !c.accepted).length,
              claims: claims.map(({ message: _m, ...c }) => c),
            },
            null,
            2,
          ),
        );
        return EXIT_OK;
      }
      default:
        throw new UsageError(
          `${file}: transaction set '${detected.transactionSetId || '?'}' is not one claimflow reads (835, 999, 277CA)`,
        );
    }
  } catch (err) {
    if (err instanceof X12Error)
      throw new UsageError(`${file}: malformed ${detected.transactionSetId}: ${err.message}`);
    throw err;
  }
}
