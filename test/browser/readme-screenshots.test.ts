// The README's screenshots, made from the order-processing example in headless Chromium: the diagram as opened, and a
// finished run painted on it. FLOWTRACER_UPDATE_SCREENSHOTS=1 writes them into media/ (committed); otherwise into test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import type { RunStatus } from '../../protocol/webview-messages';
import { DiagramPage, launchChromium } from './support/diagram-page';
import { startWebviewServer, type WebviewServer } from './support/webview-server';

const REPO = resolve(__dirname, '../..');
const OUT = process.env.FLOWTRACER_UPDATE_SCREENSHOTS === '1' ? join(REPO, 'media') : join(REPO, 'test-results');
const EXAMPLE = readFileSync(join(REPO, 'examples', 'order-flow', 'order-processing.flow.yaml'), 'utf8');
/** Marketplace README images are shown about 800 px wide; small files keep the .vsix small. */
const SIZE = { width: 960, height: 300 };
const MAX_BYTES = 60 * 1024;

/** The example's run after the order service refused one order: what the diagram shows when it ends. */
const RUN: RunStatus = {
  runId: '20261202-031500-a1b2',
  components: {
    OrderTopic: { state: 'succeeded', processed: 25, parked: 0, retries: 0 },
    OrderQueue: { state: 'succeeded', processed: 25, parked: 0, retries: 0 },
    OrderService: { state: 'failed', processed: 24, parked: 1, retries: 3 },
    OrderDB: { state: 'succeeded', processed: 24, parked: 0, retries: 0 },
  },
  moved: { 0: 25, 1: 24, 2: 24 },
  parked: { 1: 1 },
};

describe('README screenshots of the order-processing example (Chromium)', function () {
  this.timeout(60_000);
  let server: WebviewServer;
  let browser: Browser;
  let diagram: DiagramPage;

  before(async () => {
    server = await startWebviewServer();
    browser = await launchChromium();
    mkdirSync(OUT, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    diagram = await DiagramPage.open(browser, server, 'dark');
    await diagram.page.setViewportSize(SIZE);
    await diagram.showFlow(EXAMPLE, 1, 'file:///examples/order-flow/order-processing.flow.yaml');
  });
  afterEach(async () => {
    assert.deepEqual(diagram.errors, []);
    await diagram.close();
  });

  /** Takes the shot once every node is inside the view; resolves its size in bytes. */
  async function shoot(name: string): Promise<number> {
    const inside = await diagram.page.$$eval('.nodes .node .node-box', (boxes) => boxes.every((b) => {
      const r = b.getBoundingClientRect();
      return r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight;
    }));
    assert.equal(inside, true, 'every node is in the picture');
    const path = join(OUT, name);
    await diagram.page.screenshot({ path });
    return statSync(path).size;
  }

  it('the diagram as it opens: four components, env defaults resolved, no secret', async () => {
    assert.deepEqual((await diagram.nodes()).map((n) => n.texts[1]), ['topic orders', 'queue orders', 'POST 127.0.0.1:18080/orders', 'table processed_orders']);
    const bytes = await shoot('readme-diagram.png');
    assert.ok(bytes < MAX_BYTES, `${bytes} bytes`);
  });

  it('a finished run: counts on the edges, the failed service with its parked order', async () => {
    await diagram.send({ type: 'status', status: RUN });
    assert.deepEqual((await diagram.nodes()).map((n) => n.texts[2]), ['succeeded · 25 ok', 'succeeded · 25 ok', 'failed · 24 ok · 3 retried · 1 parked', 'succeeded · 24 ok']);
    const bytes = await shoot('readme-run.png');
    assert.ok(bytes < MAX_BYTES, `${bytes} bytes`);
  });
});
