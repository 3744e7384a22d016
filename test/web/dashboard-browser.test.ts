/**
 * The dashboard in Debian's Chromium (playwright-core): DAG list, grid, a task's logs, clear from the UI,
 * trigger from the UI, quality, quarantine, metrics with charts and a CSV download, the queues note, and with
 * a token the login form, CSRF-protected buttons and a backfill with its dry-run preview. Screenshots go to test/artifacts/web/. Every page must load without a console
 * error (a CSP violation or a broken asset shows up there).
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, shot, type TestBrowser } from './support/browser.ts';
import { openWebTestEnv, seedDemo, seedWarehouse, type WebTestEnv } from './support/web-test-env.ts';

const NOW = new Date('2026-01-01T11:20:00Z');

/** Open a page that records console errors, page errors and dialogs (an XSS would raise one). */
async function watchedPage(browser: TestBrowser) {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  const alerts: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', async (d) => {
    if (d.type() === 'confirm') return d.accept();
    alerts.push(d.message());
    return d.dismiss();
  });
  return { page, errors, alerts };
}

async function flashText(page: Page): Promise<string> {
  const flash = page.locator('#flash');
  await flash.waitFor({ state: 'visible' });
  return (await flash.textContent()) ?? '';
}

describe('dashboard in Chromium', () => {
  let env: WebTestEnv;
  let app: FastifyInstance;
  let browser: TestBrowser;
  let base: string;

  beforeAll(async () => {
    env = await openWebTestEnv();
    await seedDemo(env.store);
    await seedWarehouse(() => env.openWarehouse());
    app = await env.app({ clock: { now: () => NOW } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await env?.cleanup();
  });

  it('walks from the DAG list to the grid and a failed task with its logs, then clears it', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/`);
    expect(page.url()).toBe(`${base}/ui/dags`);
    await expect(page.locator('#dag-list tbody tr').count()).resolves.toBe(2);
    const ordersRow = page.locator('tr[data-dag="orders_demo"]');
    await expect(ordersRow.locator('.squares .sq').count()).resolves.toBe(4);
    await expect(ordersRow.locator('.squares .sq.state-failed').count()).resolves.toBe(1);
    await page.screenshot({ path: shot('dags'), fullPage: true });

    await ordersRow.locator('a.dag-link').click();
    await page.waitForURL(`${base}/ui/dags/orders_demo`);
    await expect(page.locator('#grid a.cell').count()).resolves.toBe(24);
    await expect(page.locator('#grid a.cell[data-state="upstream_failed"]').count()).resolves.toBe(3);
    await page.screenshot({ path: shot('grid'), fullPage: true });

    await page.locator('#grid a.cell[data-state="failed"]').click();
    await page.waitForURL(/\/ui\/runs\/orders_demo__20260101T1045Z\/tasks\/run_checks$/);
    await expect(page.locator('#logs').textContent()).resolves.toContain('batch_reconciliation failed');
    await expect(page.locator('#error').textContent()).resolves.toContain('E_CHECK_FAILED');
    await page.screenshot({ path: shot('task-logs'), fullPage: true });

    await page.getByRole('button', { name: 'Clear (retry) with downstream' }).click();
    expect(await flashText(page)).toContain('Cleared: run_checks, publish, aggregates, archive');
    await page.waitForLoadState('load');
    // The page reloads after the clear; its state badge then reads `none`.
    await expect
      .poll(() => page.locator('.toolbar .badge').first().textContent(), { timeout: 10_000 })
      .toBe('none');
    expect((await env.store.getTaskInstance('orders_demo__20260101T1045Z', 'run_checks'))!.state).toBe(
      'none',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('triggers a run from the DAG list', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/ui/dags`);
    await page.locator('tr[data-dag="daily_demo"] button.trigger').click();
    expect(await flashText(page)).toContain('Run daily_demo__20251231T0000Z created (queued)');
    // That interval has a run now: a second trigger says so instead of failing silently.
    await page.goto(`${base}/ui/dags`);
    await expect(page.locator('tr[data-dag="daily_demo"] .squares .sq.state-queued').count()).resolves.toBe(
      1,
    );
    await page.locator('tr[data-dag="daily_demo"] button.trigger').click();
    expect(await flashText(page)).toContain('already');
    expect(await page.locator('#flash').getAttribute('class')).toContain('error');

    await page.goto(`${base}/ui/dags`);
    await page.locator('tr[data-dag="orders_demo"] button.trigger').click();
    expect(await flashText(page)).toMatch(/Run orders_demo__20260101T1100Z created \(queued\)/);
    const run = await env.store.getRun('orders_demo__20260101T1100Z');
    expect([run?.runType, run?.state]).toEqual(['manual', 'queued']);
    // TODO(engine): with the engine's runtime in this app, wait for the run to finish in the grid.
    // The refused trigger logs its 409 in the console; nothing else may.
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
    await page.close();
  });

  it('shows data quality, the quarantine browser (escaped) and the metrics with charts and CSV', async () => {
    const { page, errors, alerts } = await watchedPage(browser);
    await page.goto(`${base}/ui/quality`);
    await expect(page.locator('#checks tbody tr').count()).resolves.toBe(3);
    await expect(page.locator('tr[data-check="batch_reconciliation"] .badge').textContent()).resolves.toBe(
      'fail',
    );
    await expect(page.locator('tr[data-check="amount_mismatch"] .trend .tick').count()).resolves.toBe(4);
    await expect(page.locator('#failures-table').textContent()).resolves.toContain('ord-3');
    await page.screenshot({ path: shot('quality'), fullPage: true });

    await page.locator('a', { hasText: 'Quarantine browser' }).click();
    await page.locator('#reasons a', { hasText: 'invalid_json' }).click();
    await page.waitForURL(/reason=invalid_json/);
    await expect(page.locator('#quarantine tbody tr').count()).resolves.toBe(30);
    await expect(page.locator('#quarantine').textContent()).resolves.toContain('<script>alert(1)</script>');
    await page.screenshot({ path: shot('quarantine'), fullPage: true });

    await page.goto(`${base}/ui/metrics`);
    await page.locator('#chart-orders .uplot canvas').waitFor();
    await expect(page.locator('.uplot').count()).resolves.toBe(2);
    await expect(page.locator('#categories tbody tr').first().textContent()).resolves.toContain(
      'Home & Garden',
    );
    await expect(page.locator('#report-inactive_customers').textContent()).resolves.toContain(
      'Ada <b>Lovelace</b>',
    );
    await page.screenshot({ path: shot('metrics'), fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#report-low_stock a.csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe('report_low_stock_2026-01-02.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[1]).toBe(
      '2026-01-02,PROD-1,"Widget, ""large""",Electronics,0,14,2,0,out_of_stock',
    );

    await page.goto(`${base}/queues`);
    await expect(page.locator('#local-executor-note').textContent()).resolves.toContain('local executor');
    await page.screenshot({ path: shot('queues-note'), fullPage: true });

    expect(alerts).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('dashboard in Chromium with a token', () => {
  let env: WebTestEnv;
  let browser: TestBrowser;
  let base: string;

  beforeAll(async () => {
    env = await openWebTestEnv({ tables: false, token: 'browser-token-42' });
    await seedDemo(env.store);
    const app = await env.app({ clock: { now: () => NOW } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await env?.cleanup();
  });

  it('logs in with the form, acts with the CSRF token of the session, previews and starts a backfill', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/ui/dags/orders_demo`);
    await page.waitForURL(/\/login\?next=/);
    await page.fill('input[name="token"]', 'wrong-token');
    await page.click('button');
    await expect(page.locator('.error-text').textContent()).resolves.toContain('not right');
    await page.screenshot({ path: shot('login'), fullPage: true });
    await page.fill('input[name="token"]', 'browser-token-42');
    await page.click('button');
    await page.waitForURL(`${base}/ui/dags/orders_demo`);
    const cookies = await browser.context.cookies(base);
    expect(cookies.find((c) => c.name === 'sluice_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });

    await page.getByRole('button', { name: 'Pause' }).click();
    expect(await flashText(page)).toContain('orders_demo paused');
    expect((await env.store.getDag('orders_demo'))!.paused).toBe(true);
    // Without the page's token the same call from the session is refused.
    const forged = await page.evaluate(async () => {
      const r = await fetch('/api/dags/orders_demo/unpause', { method: 'POST' });
      return r.status;
    });
    expect(forged).toBe(403);

    // A backfill from the form: the dry-run preview first (POSTs with the session's CSRF token), then start
    // and cancel it (no scheduler runs in this test, so it would stay pending).
    await page.goto(`${base}/ui/backfills?dagId=orders_demo`);
    await page.fill('input[name="from"]', '2026-01-01');
    await page.fill('input[name="to"]', '2026-01-02');
    await page.click('#preview');
    await page.locator('#plan-table tbody tr').first().waitFor();
    expect(await page.locator('#plan-summary').textContent()).toContain('45 intervals of orders_demo');
    expect(await page.locator('#plan-table tbody tr[data-action="skip"]').count()).toBe(4);
    expect(await env.store.listRuns({ runTypes: ['backfill'] })).toEqual([]);
    await page.screenshot({ path: shot('backfill-preview'), fullPage: true });
    await page.click('#start');
    await page.waitForURL(/\/ui\/backfills\/[A-Za-z0-9_-]+$/);
    await expect.poll(() => page.locator('#backfill').getAttribute('data-state')).toBe('running');
    await page.screenshot({ path: shot('backfill-progress'), fullPage: true });
    await page.click('#bf-cancel');
    await expect.poll(() => page.locator('#backfill').getAttribute('data-state')).toBe('cancelled');
    await page.goto(`${base}/ui/backfills`);
    await page.locator('#backfill-list tbody tr[data-backfill]').first().waitFor();
    expect(await page.locator('#backfill-list tbody tr[data-backfill] .badge').first().textContent()).toBe(
      'cancelled',
    );
    // Only the refused login (401) and the forged call (403) may log a failed request.
    expect(errors.filter((e) => !/status of (401|403)/.test(e))).toEqual([]);
    await page.close();
  });
});
