import { EtcdGovernanceStore } from '@nestrpc/discovery';
import { mkdirSync } from 'fs';
import { resolve } from 'path';
import { spawnTs, TsChild } from '../support/child-process';
import { LocalEtcd, startEtcd } from '../support/etcd';
import { freePort } from '../support/free-port';
import { Browser, launchChromium } from './chromium';

/** Where the screenshot goes (git-ignored), for a person to look at after a run. */
const ARTIFACTS = resolve(__dirname, '../../test-artifacts');

/**
 * The dashboard in a real browser: etcd, two provider processes and the demo consumer (which
 * imports DashboardModule) running; headless Chromium loads /dashboard and we read what it drew.
 */
describe('dashboard page in headless Chromium', () => {
  const ns = 'dash-e2e';
  let etcd: LocalEtcd;
  let browser: Browser | undefined;
  let store: EtcdGovernanceStore;
  const children: TsChild[] = [];
  let consumerUrl: string;
  let loading = true;
  let load: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    etcd = await startEtcd();
    const env = { ETCD_ENDPOINTS: etcd.endpoints.join(','), NESTRPC_NAMESPACE: ns, DEREGISTER_GRACE_MS: '200' };
    const rpcPorts = [await freePort(), await freePort()];
    const httpPort = await freePort();
    children.push(
      spawnTs('apps/provider/src/main.ts', { ...env, INSTANCE_NAME: 'light', SERVICE_WEIGHT: '1', RPC_PORT: String(rpcPorts[0]) }),
      spawnTs('apps/provider/src/main.ts', { ...env, INSTANCE_NAME: 'heavy', SERVICE_WEIGHT: '3', RPC_PORT: String(rpcPorts[1]) }),
      spawnTs('apps/consumer/src/main.ts', { ...env, HTTP_PORT: String(httpPort) }),
    );
    await Promise.all(children.map((c) => c.waitForLine(/READY/, 40_000)));
    consumerUrl = `http://127.0.0.1:${httpPort}`;
    store = new EtcdGovernanceStore({ hosts: etcd.endpoints, namespace: ns });
    // An operator drained the light instance: the page must show it.
    await store.setOverride('HelloService', `127.0.0.1:${rpcPorts[0]}`, { weight: 0 });
    load = (async () => {
      while (loading) await fetch(`${consumerUrl}/hello?name=dash`).then((r) => r.arrayBuffer(), () => undefined);
    })();
  }, 90_000);

  afterAll(async () => {
    loading = false;
    await load;
    await browser?.close();
    await store?.close();
    await Promise.all(children.map((c) => c.stop('SIGKILL')));
    await etcd?.stop();
  });

  it('shows services, versions, instances, weights, health and live call rates, and saves a screenshot', async () => {
    browser = await launchChromium();
    const page = await browser.context.newPage();
    await page.goto(`${consumerUrl}/dashboard`);
    const hello = page.locator('section[data-service="HelloService"]');
    await hello.locator('tr[data-instance]').nth(1).waitFor({ timeout: 15_000 });
    await page.locator('section[data-service="InventoryService"]').waitFor();

    // Live: the polled rate of the instance taking the traffic becomes positive.
    const serving = hello.locator('tr[data-instance]').filter({ hasNotText: '→' });
    await page.waitForFunction(`[...document.querySelectorAll('section[data-service="HelloService"] td[data-metric="rate"]')].some((td) => Number(td.textContent) > 0)`, undefined, {
      timeout: 15_000,
    });
    const rows = await hello.locator('tr[data-instance]').allInnerTexts();
    expect(rows).toHaveLength(2);
    const drained = rows.find((r) => r.includes('1 → 0'));
    expect(drained).toMatch(/1\.0\.0\s+\S+\s+127\.0\.0\.1:\d+\s+1 → 0[\s\S]*drained/);
    expect(rows.find((r) => !r.includes('→'))).toMatch(/1\.0\.0\s+\S+\s+127\.0\.0\.1:\d+\s+3\s[\s\S]*\bup\b/);
    const [active, rate, latency] = await serving.first().locator('td[data-metric]').allInnerTexts();
    expect(Number(active)).toBeGreaterThanOrEqual(0);
    expect(Number(rate)).toBeGreaterThan(0);
    expect(Number(latency)).toBeGreaterThan(0);
    expect(await page.locator('#meta').innerText()).toMatch(/namespace dash-e2e · updated/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'dashboard.png'), fullPage: true });
  }, 60_000);
});
