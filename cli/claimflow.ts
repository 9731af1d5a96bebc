/**
 * The claimflow command, for practices and billers: the pipeline's own shared/ modules, offline, no
 * AWS (except `payers`, which manages the registry table, and `redrive`). `npx claimflow help` lists the commands; docs/cli.md describes them.
 */

import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { BUILD_USAGE, build837p } from './commands/build837p';
import { CHECK_USAGE, check } from './commands/check';
import { CODESETS_USAGE, codesets } from './commands/codesets';
import { NCCI_USAGE, ncci } from './commands/ncci';
import { PAYERS_USAGE, payers } from './commands/payers';
import { READ_USAGE, read } from './commands/read';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type Io, processIo, UsageError, wholeNumber } from './io';
import { redrive } from './redrive';

const REDRIVE_USAGE = `usage: claimflow redrive --from <DLQ url> --to <source queue url> [--max N] [--region R] [--endpoint URL]
  Moves dead-lettered messages back to their queue (docs/guarantees.md). Uses your AWS credentials.`;

export const USAGE = `claimflow <command> ...

${CHECK_USAGE}

${BUILD_USAGE}

${READ_USAGE}

${CODESETS_USAGE}

${NCCI_USAGE}

${PAYERS_USAGE}

${REDRIVE_USAGE}`;

async function redriveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      max: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
    },
  });
  if (!values.from || !values.to || positionals.length > 0) throw new UsageError(REDRIVE_USAGE);
  const max = wholeNumber(values.max, '--max', 1, 1_000_000);
  const sqs = new SQSClient({
    ...(values.region ? { region: values.region } : {}),
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
  });
  try {
    const r = await redrive(sqs, { from: values.from, to: values.to, ...(max ? { max } : {}) });
    io.out(`moved ${r.moved} message(s) from ${values.from} to ${values.to}`);
    return EXIT_OK;
  } catch (err) {
    io.err(`redrive failed: ${(err as Error).message}`);
    return EXIT_FINDINGS;
  }
}

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  check,
  'build-837p': build837p,
  read,
  codesets,
  ncci,
  payers,
  redrive: redriveCommand,
};

/** Runs one command line; returns the exit code (0 ok, 1 findings, 2 usage or unreadable input). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`claimflow: unknown command '${command}' (try: claimflow help)`);
    return EXIT_USAGE;
  }
  try {
    return await run(args, io);
  } catch (err) {
    // parseArgs throws TypeErrors with a code for unknown or malformed options.
    const code = (err as { code?: string }).code;
    if (err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`claimflow ${command}: ${(err as Error).message}`);
      return EXIT_USAGE;
    }
    io.err(`claimflow ${command}: failed: ${(err as Error).message}`);
    return EXIT_FINDINGS;
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
