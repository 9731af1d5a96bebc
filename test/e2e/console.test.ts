/**
 * The web console in real headless Chromium (Debian's `chromium`, driven by playwright-core) against
 * the local runtime with the demo data settled, as `npm start` serves it. A biller signs in, fixes a
 * scrub-stopped claim through the correction form until it is CLOSED (a first, refused attempt names
 * the field), corrects a CO-16 denial into a frequency-7 replacement that gets paid, opens an appeal
 * and downloads its packet, runs patient statements and downloads one (PDF text checked), posts a
 * patient payment, works a work item (assign, comment, resolve), downloads a report CSV, and is
 * signed out when idle. Every page's screenshot goes to test-artifacts/console/.
 * Without Chromium (CHROMIUM_PATH, default /usr/bin/chromium) the test is skipped and says why.
 *
 * The data: seed 1, 24 demo claims. The simulator's outcomes are a pure function of (seed, claim
 * id), so these claims are known: a PRAC1 claim with a malformed diagnosis that the payer pays, a
 * clean PRAC2 claim denied CO-16 + MA130, a clean PRAC1 claim denied CO-50 (appeal) and PRAC1 claims
 * with patient responsibility (statements). beforeAll checks these facts before any browser work.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRACTICES, uploadDemoFiles } from '../../local/demo';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import { outcomeFor } from '../../local/simulator/adjudicate';
import { EventRepository, WorkItemRepository } from '../../shared/store';
import { DIST_DIR, ensureWebBuilt } from '../../web/build';
import { pdfText } from '../support/pdf';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const NAME = `web console in headless Chromium${
  hasChromium
    ? ''
    : ` (skipped: no Chromium at ${CHROMIUM}; run scripts/install-chromium.sh or set CHROMIUM_PATH)`
}`;
export const SHOTS = path.resolve(import.meta.dirname, '../../test-artifacts/console');

const SEED = 1;
const FIX = 'CATVBB5LBZIO3NARZ'; // PRAC1, dx1 "9999" (ICD10_FORMAT), paid once fixed
const CO16 = 'CUILY4ZVUMHY6P3LJ'; // PRAC2, denied CO-16 + MA130
const APPEAL = 'CEYFHAPQKHQW5ASLR'; // PRAC1, denied CO-50
/** Claim data that must never appear in a URL: patient accounts, names, member ids. */
const PHI_IN_URL = /ENC-PRAC|TESTPATIENT|SIMMBR|PARENT/i;

let rt: LocalRuntime;
let context: BrowserContext;
let page: Page;
let userDir: string;
let token: string;
const urls: string[] = [];

interface Detail {
  version: number;
  summary: { status: string; frequencyCode: string };
  claim: { encounterId: string; lines: { lineId: string; dateOfService: string }[] };
  scrubFindings: { rule: string; field?: string }[];
  timeline: { type: string }[];
  ledger: {
    rows: { kind: string; amountCents: number }[];
    totals: { balanceCents: number; paymentsCents: number };
  };
}

async function detail(claimId: string): Promise<Detail> {
  const res = await fetch(`${rt.apiUrl}/api/claims/${claimId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as Detail;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function go(hash: string, heading: string | RegExp): Promise<void> {
  await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function download(click: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await file.path()) as string);
}

describe.skipIf(!hasChromium)(NAME, () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await ensureWebBuilt(() => undefined);
    expect([outcomeFor(SEED, FIX), outcomeFor(SEED, CO16), outcomeFor(SEED, APPEAL)]).toEqual([
      'PAID',
      'DENIED_16',
      'DENIED_50',
    ]);
    rt = await startLocalRuntime({
      seed: SEED,
      webConsole: { distDir: DIST_DIR, practices: DEMO_PRACTICES },
    });
    await uploadDemoFiles(rt, { seed: SEED, claims: 24, today: new Date().toISOString().slice(0, 10) });
    await rt.settle();
    token = await rt.apiToken({ sub: 'e2e', groups: [...DEMO_PRACTICES, 'biller'] });
    userDir = mkdtempSync(path.join(tmpdir(), 'claimflow-chromium-'));
    context = await chromium.launchPersistentContext(userDir, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context.on('request', (r) => urls.push(r.url()));
    page = context.pages()[0] ?? (await context.newPage());
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await rt?.stop();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  it('signs in locally as a biller and shows the dashboard with its chart and table', async () => {
    await page.goto(rt.apiUrl);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await shot('sign-in');
    await page.getByLabel('biller').check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as local-biller').waitFor();
    await page.getByRole('heading', { name: 'Key figures' }).waitFor();
    await expect.poll(() => page.locator('canvas[role="img"]').count()).toBe(1);
    expect(await page.getByRole('table', { name: /A\/R aging as of/ }).count()).toBe(1);
    await shot('dashboard');
  });

  it('is usable by keyboard: a skip control first, landmarks, a visible focus', async () => {
    await page.keyboard.press('Tab');
    const first = await page.evaluate('document.activeElement?.textContent');
    expect(first).toBe('Skip to main content');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    for (const role of ['banner', 'navigation', 'main', 'contentinfo'] as const)
      expect(await page.getByRole(role).count()).toBeGreaterThan(0);
    // The main navigation is reachable and operable by keyboard alone.
    await page.getByRole('link', { name: 'Claims', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Claims' }).waitFor();
  });

  it('lists claims with filters and finds one by patient account without it entering a URL', async () => {
    const fix = await detail(FIX);
    await go('#/claims', 'Claims');
    await page.getByLabel('Status').selectOption('NEEDS_CORRECTION');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('link', { name: FIX }).waitFor();
    await shot('claims');
    await page.getByLabel('Search by').selectOption('patientAccount');
    await page.getByLabel('Search', { exact: true }).fill(fix.claim.encounterId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('heading', { name: 'Page 1: 1 claim' }).waitFor();
    expect(await page.getByRole('link', { name: FIX }).count()).toBe(1);
    expect(page.url()).not.toContain(fix.claim.encounterId);
  });

  it('fixes a scrub-stopped claim through the correction form until it is CLOSED', async () => {
    const before = await detail(FIX);
    expect(before.summary.status).toBe('NEEDS_CORRECTION');
    expect(before.scrubFindings.map((f) => `${f.rule}:${f.field}`)).toContain('ICD10_FORMAT:dx1');
    await page.getByRole('link', { name: FIX }).click();
    await page.getByRole('heading', { level: 1, name: `Claim ${FIX}` }).waitFor();
    await page.getByTestId('scrub-findings').getByText('ICD10_FORMAT').waitFor();
    await shot('claim-detail');
    await page.getByRole('link', { name: 'Correct this claim' }).click();
    await page.getByRole('heading', { level: 1, name: `Correct claim ${FIX}` }).waitFor();
    await shot('correction');

    // First attempt: the diagnosis fixed but an impossible date of service: refused, naming the field.
    const line = before.claim.lines[0]?.lineId as string;
    await page.getByLabel('Diagnosis 1 (ICD-10-CM)').fill('I10');
    const dos = page.locator(`input[name="${line}.date_of_service"]`);
    await dos.fill('2026-02-30');
    await page.getByRole('button', { name: 'Save correction and resubmit' }).click();
    const refused = page.getByTestId('refused');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('date_of_service');
    expect(await refused.textContent()).not.toContain('2026-02-30');
    await shot('correction-refused');
    expect((await detail(FIX)).version).toBe(before.version); // nothing saved

    // Second attempt: the date as it was.
    await dos.fill(before.claim.lines[0]?.dateOfService as string);
    await page.getByRole('button', { name: 'Save correction and resubmit' }).click();
    await page.getByText('Correction saved (diagnoses.0)').waitFor();
    await rt.settle();
    await go(`#/claims/${FIX}`, `Claim ${FIX}`);
    expect(await page.getByTestId('claim-status').textContent()).toBe('closed');
    const after = await detail(FIX);
    expect(after.summary.status).toBe('CLOSED');
    expect(after.ledger.totals.paymentsCents).toBeGreaterThan(0);
    await shot('claim-closed');
  });

  it('corrects a CO-16 denial into a frequency-7 replacement that gets paid', async () => {
    const before = await detail(CO16);
    expect(before.summary).toMatchObject({ status: 'NEEDS_CORRECTION', frequencyCode: '7' });
    expect(before.ledger.totals.paymentsCents).toBe(0);
    await go(`#/claims/${CO16}`, `Claim ${CO16}`);
    expect(await page.getByTestId('claim-frequency').textContent()).toBe('7');
    await page.getByRole('link', { name: 'Correct this claim' }).click();
    await page.getByRole('heading', { level: 1, name: `Correct claim ${CO16}` }).waitFor();
    // MA130: information missing. The biller adds the prior authorization number.
    await page.getByLabel('Prior authorization number').fill('PA20260001');
    await page.getByRole('button', { name: 'Save correction and resubmit' }).click();
    await page.getByText(/Correction saved/).waitFor();
    await rt.settle();
    await go(`#/claims/${CO16}`, `Claim ${CO16}`);
    expect(await page.getByTestId('claim-status').textContent()).toBe('closed');
    expect(await page.getByTestId('claim-frequency').textContent()).toBe('7');
    const after = await detail(CO16);
    expect(after.summary).toMatchObject({ status: 'CLOSED', frequencyCode: '7' });
    expect(after.ledger.totals.paymentsCents).toBeGreaterThan(0);
    const types = after.timeline.map((e) => e.type);
    expect(types.slice(types.indexOf('CORRECTION_SAVED'))).toEqual(
      expect.arrayContaining(['CORRECTION_SAVED', 'SUBMITTED']),
    );
    await shot('co16-paid');
  });

  it('opens an appeal, downloads its packet and records the outcome', async () => {
    await go(`#/claims/${APPEAL}`, `Claim ${APPEAL}`);
    await page.getByRole('link', { name: 'Appeal' }).click();
    await page.getByRole('heading', { level: 1, name: `Appeal for claim ${APPEAL}` }).waitFor();
    await page.getByRole('button', { name: 'Open appeal' }).click();
    await page.getByTestId('appeal-deadline').waitFor();
    const pdf = await download(() =>
      page.getByRole('button', { name: 'Download appeal packet (PDF)' }).click(),
    );
    const text = await pdfText(pdf);
    expect(text).toContain(APPEAL);
    expect(text).toContain('Proof of timely filing');
    expect(text).toMatch(/\b50\b/);
    await page.getByLabel('Outcome').selectOption('UPHELD');
    await page.getByRole('button', { name: 'Record outcome' }).click();
    await page.getByText('Outcome upheld recorded.').waitFor();
    await shot('appeal');
  });

  it('runs patient statements and downloads one', async () => {
    await go('#/statements', 'Patient statements');
    await page.getByLabel('Practice').selectOption('PRAC1');
    await page.getByLabel('Run number').fill('1');
    await page.getByRole('button', { name: 'Run statements' }).click();
    await page.getByText(/Run 1 created/).waitFor();
    const pdf = await download(() => page.getByRole('button', { name: 'Download statement 1' }).click());
    const text = await pdfText(pdf);
    expect(text).toContain('Patient statement');
    expect(text).toContain('Amount due');
    // Idempotent: the same run again creates nothing new.
    await page.getByRole('button', { name: 'Run statements' }).click();
    await page.getByText(/already existed/).waitFor();
    await shot('statements');

    // The patient pays a dollar of the first statement's claim.
    const claimId = ((await page.locator('table tbody tr td').first().textContent()) ?? '')
      .split(',')[0]
      ?.trim();
    expect(claimId).toMatch(/^C[A-Z0-9]{16}$/);
    await go(`#/claims/${claimId}`, `Claim ${claimId}`);
    await page.getByLabel('Amount (dollars)').fill('1.00');
    await page.getByRole('button', { name: 'Post patient payment' }).click();
    await page.getByText(/Payment posted; patient balance/).waitFor();
    expect(await page.getByRole('button', { name: 'Write off the amount above' }).count()).toBe(0); // billers may not
    await shot('patient-payment');
  });

  it('works a work item: assign, comment, resolve', async () => {
    // A remit mismatch naming a PRAC1 claim, as post-remittance writes one (ids and codes only).
    const reference = `E2ETRACE/${FIX}`;
    await new WorkItemRepository(rt.doc, rt.tableName).add(
      'REMIT_MISMATCH',
      reference,
      { claimId: FIX, problem: 'LEDGER_WOULD_NOT_BALANCE' },
      new Date().toISOString(),
    );
    await go('#/work', 'Work queue');
    await page.getByLabel('Kind').selectOption('REMIT_MISMATCH');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const item = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: new RegExp(reference) }) });
    await item.waitFor();
    await item.getByRole('button', { name: 'Assign to me' }).click();
    await item.getByText('Assigned to: local-biller').waitFor();
    await item.getByLabel('Comment').fill('called the payer, ref 123');
    await item.getByRole('button', { name: 'Add comment' }).click();
    await item.getByText(/local-biller: called the payer, ref 123/).waitFor();
    await shot('work-queue');
    await item.getByLabel('Resolution note').fill('posted by hand');
    await item.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText('No work items.').waitFor(); // the open queue is empty again
    const resolved = await new WorkItemRepository(rt.doc, rt.tableName).get('REMIT_MISMATCH', reference);
    expect(resolved).toMatchObject({
      assignee: 'local-biller',
      resolution: { by: 'local-biller', note: 'posted by hand' },
    });
  });

  it("shows a closed claim's X12 documents: the 835 parsed view and the raw excerpt", async () => {
    const paid = (await detail(FIX)).ledger.totals.paymentsCents;
    await go(`#/claims/${FIX}`, `Claim ${FIX}`);
    const docs = page.getByTestId('documents');
    // Waits for each (count() would not): the list renders with the claim's detail, maybe a moment late.
    for (const kind of ['837P claim', '999 acknowledgment', '277CA claim acknowledgment', '835 remittance'])
      await docs
        .getByRole('button', { name: new RegExp(kind) })
        .first()
        .waitFor();
    // The disclosure works by keyboard: focus it, Enter opens it.
    const show835 = docs.getByRole('button', { name: /835 remittance/ }).last();
    await show835.focus();
    await page.keyboard.press('Enter');
    expect(await show835.getAttribute('aria-expanded')).toBe('true');
    const paidCell = docs.getByTestId('remit-paid').first();
    await paidCell.waitFor();
    expect(await paidCell.textContent()).toBe(`$${(paid / 100).toFixed(2)}`);
    const raw = docs.locator('details.raw').last();
    await raw.locator('summary').focus();
    await page.keyboard.press('Enter');
    const excerpt = await raw.getByTestId('raw-excerpt').textContent();
    expect(excerpt).toContain(`CLP*${FIX}*`);
    expect(excerpt).toMatch(/^\s*1 ISA\*/);
    // The 837P's parsed view is its segments table.
    await docs
      .getByRole('button', { name: /837P claim \(sent\)/ })
      .first()
      .click();
    await docs
      .getByRole('table', { name: 'Segments of this claim' })
      .first()
      .getByText('CLM')
      .first()
      .waitFor();
    expect(page.url()).toMatch(/#\/claims\/C[A-Z0-9]+$/); // the document id stays out of the page URL
    await shot('claim-documents');
  });

  it('matches an unmatched remit to a claim by hand, and shows a refusal by its rule', async () => {
    // The 835 claim payment that paid FIX, as an UNMATCHED_REMIT item (as if it had found no claim),
    // and one naming a trace that 835 does not hold (refused: PAYMENT_NOT_FOUND).
    const events = await new EventRepository(rt.doc, rt.tableName).list(FIX);
    const remit = events.find((e) => e.type === 'REMIT_POSTED' && typeof e.detail?.fileKey === 'string');
    const trace = remit?.detail?.traceNumber as string;
    const fileKey = remit?.detail?.fileKey as string;
    expect(fileKey).toMatch(/^inbound\/835\//);
    const paidBefore = (await detail(FIX)).ledger.totals.paymentsCents;
    expect(paidBefore).toBeGreaterThan(0);
    const work = new WorkItemRepository(rt.doc, rt.tableName);
    const now = new Date().toISOString();
    await work.add('UNMATCHED_REMIT', `${trace}/${FIX}`, { fileKey }, now);
    await work.add('UNMATCHED_REMIT', `E2EMISSING/${FIX}`, { fileKey }, now);
    await go('#/work', 'Work queue');
    await page.getByLabel('Kind').selectOption('UNMATCHED_REMIT');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const card = (ref: string) =>
      page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: new RegExp(`${ref}$`) }) });

    const missing = card(`E2EMISSING/${FIX}`);
    await missing.getByRole('button', { name: 'Find candidate claims' }).click();
    await missing.getByRole('alert').getByText('rule PAYMENT_NOT_FOUND').waitFor();

    const item = card(`${trace}/${FIX}`);
    await item.getByRole('button', { name: 'Find candidate claims' }).click();
    await item.getByLabel(/Claim id|Or another claim id/).fill(FIX);
    await item.getByRole('button', { name: 'Match to the picked claim' }).click();
    await item.getByText(`Post this 835 claim payment to ${FIX}?`).waitFor();
    await shot('work-match');
    await item.getByRole('button', { name: `Confirm match to ${FIX}` }).click();
    // Auto-posting posted this payment already: the match finds it posted (never twice) and resolves the item.
    await expect
      .poll(async () => (await work.get('UNMATCHED_REMIT', `${trace}/${FIX}`))?.resolution)
      .toMatchObject({
        by: 'local-biller',
        match: { claimId: FIX },
      });
    expect((await detail(FIX)).ledger.totals.paymentsCents).toBe(paidBefore); // not posted twice
  });

  it('shows the reports and downloads one as CSV', async () => {
    await go('#/reports', 'Reports');
    await page.getByRole('heading', { name: 'By payer and bucket' }).waitFor();
    const csv = (
      await download(() => page.getByRole('button', { name: 'Download A/R aging CSV' }).click())
    ).toString();
    expect(csv.split('\n')[0]).toMatch(/payer/i);
    await shot('reports');
  });

  it('kept claim data out of every URL and out of localStorage', async () => {
    expect(urls.length).toBeGreaterThan(10);
    expect(urls.filter((u) => PHI_IN_URL.test(u))).toEqual([]);
    expect(await page.evaluate('window.localStorage.length')).toBe(0);
  });

  it('signs out after the idle time without input', async () => {
    const idle = await context.newPage();
    // This page's config: a 3-second idle time.
    await idle.route('**/config.json', (r) =>
      r.fulfill({ json: { apiBaseUrl: '', idleMinutes: 0.05, auth: { kind: 'local' } } }),
    );
    await idle.goto(rt.apiUrl);
    await idle.getByLabel('manager').check();
    await idle.getByRole('button', { name: 'Sign in' }).click();
    await idle.getByText('Signed in as local-manager').waitFor();
    await idle.getByText(/signed out after 0.05 minute/).waitFor({ timeout: 15_000 });
    expect(await idle.getByRole('heading', { level: 1, name: 'Sign in' }).count()).toBe(1);
    expect(await idle.evaluate("window.sessionStorage.getItem('claimflow.session')")).toBeNull();
    await idle.screenshot({ path: path.join(SHOTS, 'idle-signed-out.png') });
    await idle.close();
  });
});
