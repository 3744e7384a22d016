/**
 * End to end, as a user does it: `sluice demo` (the real pipeline on embedded defaults), then `sluice
 * standalone`, then the dashboard in Chromium: the DAG list, the grid of the order DAG, a failed task's logs,
 * the quality page, the metrics page with charts and a CSV download, and a run triggered from the UI that the
 * engine runs to success while the grid refreshes. Screenshots: test/artifacts/web/e2e-*.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliHome, cliHome, exited } from '../e2e-engine/cli-harness.ts';
import { waitFor } from '../engine/wait-for.ts';
import { launchBrowser, shot, type TestBrowser } from './support/browser.ts';
import { ROOT } from './support/web-test-env.ts';

const ORDERS = 'order_processing_incremental';
const DAILY = 'daily_batch_processing';

describe('dashboard over `sluice demo` data and a running `sluice standalone`', () => {
  let cli: CliHome;
  let browser: TestBrowser;
  let base: string;

  beforeAll(async () => {
    cli = await cliHome(ROOT);
    const demo = await cli.run(['demo', '--orders-per-hour', '20', '--seed', 'web-e2e']);
    expect(demo.code, demo.stderr).toBe(0);
    // Paused, the daily DAG gets no scheduled run of its own: the run below is the one the UI triggers.
    expect((await cli.run(['dags', 'pause', DAILY])).code).toBe(0);
    cli.spawn(['standalone', '--port', '0']);
    base = await cli.serverUrl();
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    cli?.cleanup();
  });

  it('shows the pipeline, a failed task with logs, quality and metrics, and runs a triggered run', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on(
      'console',
      (m) => m.type() === 'error' && !m.text().includes('status of 4') && errors.push(m.text()),
    );
    page.on('dialog', (d) => d.accept());

    await page.goto(`${base}/ui/dags`);
    await expect(page.locator('#dag-list tbody tr').count()).resolves.toBe(2);
    expect(await page.locator(`tr[data-dag="${ORDERS}"] .squares .sq`).count()).toBeGreaterThanOrEqual(12);
    await page.screenshot({ path: shot('e2e-dags'), fullPage: true });

    await page.locator(`tr[data-dag="${ORDERS}"] a.dag-link`).click();
    await page.locator('#grid').waitFor();
    expect(await page.locator('#grid a.cell').count()).toBeGreaterThan(100);
    await page.screenshot({ path: shot('e2e-grid'), fullPage: true });
    // The demo blocks some batches on schema_validation: their run_checks failed.
    let failed = page.locator('#grid a.cell[data-task="run_checks"][data-state="failed"]');
    if ((await failed.count()) === 0) {
      await page.locator('#older').click();
      failed = page.locator('#grid a.cell[data-task="run_checks"][data-state="failed"]');
    }
    await failed.first().click();
    await page.locator('#logs').waitFor();
    expect(await page.locator('#tries tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect((await page.locator('#logs').textContent())!.length).toBeGreaterThan(20);
    await page.screenshot({ path: shot('e2e-task-logs'), fullPage: true });

    await page.goto(`${base}/ui/quality`);
    const checks = await page
      .locator('#checks tbody tr[data-check]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-check')));
    expect(checks).toEqual(
      expect.arrayContaining(['schema_validation', 'batch_reconciliation', 'amount_mismatch']),
    );
    await page.screenshot({ path: shot('e2e-quality'), fullPage: true });
    await page.goto(`${base}/ui/quarantine`);
    expect(await page.locator('#quarantine tbody tr').count()).toBeGreaterThan(0);

    await page.goto(`${base}/ui/metrics`);
    await page.locator('#chart-revenue .uplot canvas').waitFor();
    expect(await page.locator('#categories tbody tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: shot('e2e-metrics'), fullPage: true });
    const csvLink = page.locator('#report-dq_daily_summary a.csv');
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    expect(readFileSync((await download.path())!, 'utf8').split('\r\n')[0]).toBe(
      'report_date,check_name,executions,passes,warns,fails,rows_failed',
    );

    // Trigger from the UI; the engine in the standalone process runs it; the grid refreshes until it is done.
    await page.goto(`${base}/ui/dags`);
    await page.locator(`tr[data-dag="${DAILY}"] button.trigger`).click();
    await page.locator('#flash').waitFor({ state: 'visible' });
    const flash = (await page.locator('#flash').textContent()) ?? '';
    const runId = /Run (\S+) created/.exec(flash)?.[1];
    expect(runId, flash).toMatch(new RegExp(`^${DAILY}__\\d{8}T0000Z$`));
    await page.goto(`${base}/ui/dags/${DAILY}`);
    await waitFor(
      async () => {
        const state = await page
          .locator(`#grid a.cell[data-run="${runId}"][data-task="report_dq_daily_summary"]`)
          .getAttribute('data-state', { timeout: 1000 });
        return state === 'success';
      },
      { what: `${runId} to finish in the grid`, timeoutMs: 120_000 },
    );
    await page.screenshot({ path: shot('e2e-triggered-run'), fullPage: true });
    const run = (await (await fetch(`${base}/api/runs/${runId}`)).json()) as { run: unknown };
    expect(run.run).toMatchObject({ runType: 'manual', state: 'success' });

    // A backfill of the three days before today: preview first (the day just run is skipped), then start it
    // and follow its progress until the scheduler has run it to the end.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const yesterday = /__(\d{4})(\d{2})(\d{2})T/.exec(runId!)!.slice(1).join('-');
    await page.goto(`${base}/ui/backfills?dagId=${DAILY}`);
    const today = new Date(`${yesterday}T00:00:00Z`).getTime() + 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(iso(today)).toBe(day(0));
    await page.fill('input[name="from"]', iso(today - 3 * 86_400_000));
    await page.fill('input[name="to"]', iso(today));
    await page.click('#preview');
    await page.locator('#plan-table tbody tr').first().waitFor();
    expect(await page.locator('#plan-table tbody tr[data-action="create"]').count()).toBe(2);
    expect(await page.locator('#plan-table tbody tr[data-action="skip"]').count()).toBe(1);
    await page.screenshot({ path: shot('e2e-backfill-preview'), fullPage: true });
    expect((await (await fetch(`${base}/api/backfills`)).json()) as unknown[]).toEqual([]);
    await page.click('#start');
    await page.waitForURL(/\/ui\/backfills\/[A-Za-z0-9_-]+$/);
    await waitFor(
      async () =>
        (await page.locator('#backfill').getAttribute('data-state', { timeout: 1000 })) === 'completed',
      {
        what: 'the backfill to complete',
        timeoutMs: 180_000,
      },
    );
    expect(await page.locator('#bf-counts').textContent()).toContain('2 of 2 runs done (2 success, 0 failed');
    expect(await page.locator('#bf-bar').getAttribute('style')).toContain('width: 100%');
    expect(await page.locator('#bf-cancel').isVisible()).toBe(false);
    await page.screenshot({ path: shot('e2e-backfill-progress'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});

describe('`sluice web` beyond loopback', () => {
  let cli: CliHome;
  beforeAll(async () => {
    cli = await cliHome(join(ROOT, 'test/fixtures/dags-engine'));
  });
  afterAll(() => cli?.cleanup());

  it('refuses to start on 0.0.0.0 without a token', async () => {
    const r = await cli.run(['web', '--host', '0.0.0.0', '--port', '0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('without a token');
  });

  it('serves on 0.0.0.0 with a token, and the API and pages need it', async () => {
    const web = cli.spawn(['web', '--host', '0.0.0.0', '--port', '0'], {
      SLUICE_WEB_TOKEN: 'e2e-web-token-1',
    });
    const url = (await cli.serverUrl()).replace('0.0.0.0', '127.0.0.1');
    expect((await fetch(`${url}/api/dags`)).status).toBe(401);
    const page = await fetch(`${url}/ui/dags`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect([page.status, page.headers.get('location')]).toEqual([303, '/login?next=%2Fui%2Fdags']);
    const ok = await fetch(`${url}/api/dags`, { headers: { authorization: 'Bearer e2e-web-token-1' } });
    expect(ok.status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    web.kill('SIGTERM');
    await exited(web);
  });
});
