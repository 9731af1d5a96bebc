/**
 * The handlers' Powertools wiring (functions/lib/powertools.ts): Metrics' own warnings follow the
 * logger's level. Two invocations of one module at once (the local runtime's consumers) left the second
 * with nothing to publish, and Metrics printed a warning to stdout on every such invocation.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { observability, wrap } from '../../functions/lib/powertools';
import { lambdaContext } from '../../local/emulators/lambda-context';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

async function concurrentInvocations(): Promise<string[]> {
  const printed: string[] = [];
  // Powertools writes through consoles of its own on process.stdout / process.stderr.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
      printed.push(String(chunk));
      return true;
    });
  }
  const obs = observability('powertools-test');
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const handler = wrap(obs, async (event: { wait: boolean }) => {
    if (event.wait) await gate;
    return 'ok';
  });
  const first = handler({ wait: true }, lambdaContext('powertools-test'));
  const second = handler({ wait: false }, lambdaContext('powertools-test'));
  expect(await second).toBe('ok');
  release();
  expect(await first).toBe('ok');
  return printed.filter((line) => line.includes('No application metrics'));
}

describe('Powertools wiring', () => {
  it('keeps Metrics warnings quiet at log level SILENT, even for overlapping invocations', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
    expect(await concurrentInvocations()).toEqual([]);
  });

  it('still reports them through the logger at WARN', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
    const lines = await concurrentInvocations();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'WARN', service: 'powertools-test' });
  });
});
