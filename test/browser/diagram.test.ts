// The diagram webview in headless Chromium: what it draws, how it follows edits and status, what it posts.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { generateFlow } from '../../bench/diagram/generate-flow';
import type { RunStatus, WebviewToHost } from '../../protocol/webview-messages';
import { DiagramPage, launchChromium } from './support/diagram-page';
import { startWebviewServer, type WebviewServer } from './support/webview-server';

const FIXTURES = resolve(__dirname, '../unit/diagram/fixtures');
const ARTIFACTS = resolve(__dirname, '../../test-results');
const orderProcessing = readFileSync(join(FIXTURES, 'order-processing.flow.yaml'), 'utf8');
const XSS_NAME = '<img src=x onerror=alert(1)>';

const status: RunStatus = {
  runId: 'run-1',
  components: {
    OrderTopic: { state: 'succeeded', processed: 120, parked: 0, retries: 0 },
    OrderQueue: { state: 'running', processed: 80, parked: 0, retries: 3 },
    OrderService: { state: 'failed', processed: 40, parked: 2, retries: 6 },
    OrderDB: { state: 'blocked', processed: 0, parked: 0, retries: 0 },
  },
  moved: { 0: 120, 1: 80, 2: 40 },
};

describe('diagram webview in Chromium', function () {
  let server: WebviewServer;
  let browser: Browser;
  let diagram: DiagramPage;

  before(async () => {
    server = await startWebviewServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    diagram = await DiagramPage.open(browser, server);
  });
  afterEach(async () => {
    assert.deepEqual(diagram.errors, [], 'the page logged no errors (CSP violations included)');
    assert.deepEqual(diagram.dialogs, [], 'the page opened no dialog');
    await diagram.close();
  });

  it('draws exactly the components and connections of the flow, with icons, key settings and kind labels', async () => {
    const rendered = await diagram.showFlow(orderProcessing);
    assert.equal(rendered.nodes, 5);
    assert.equal(rendered.edges, 4);
    assert.deepEqual((await diagram.nodes()).map((n) => [n.name, n.type, n.texts[0], n.texts[1]]), [
      ['OrderTopic', 'kafka', 'OrderTopic', 'topic orders'],
      ['OrderQueue', 'mq', 'OrderQueue', 'queue orders'],
      ['OrderService', 'service', 'OrderService', 'POST localhost:8080/orders'],
      ['OrderDB', 'database', 'OrderDB', 'localhost:5432/orders'],
      ['StatusAPI', 'api', 'StatusAPI', 'status.example.com/v1/events'],
    ]);
    assert.deepEqual((await diagram.edges()).map((e) => [e.source, e.target, e.label]), [
      ['OrderTopic', 'OrderQueue', 'kafka-to-mq'],
      ['OrderQueue', 'OrderService', 'processing'],
      ['OrderService', 'OrderDB', 'db'],
      ['OrderService', 'StatusAPI', 'processing'],
    ]);
    const icons = await diagram.page.$$eval('.node-icon', (uses) => uses.map((u) => u.getAttribute('href')));
    assert.deepEqual(icons, ['#icon-kafka', '#icon-mq', '#icon-service', '#icon-database', '#icon-api']);
    const page = await diagram.page.content();
    assert.ok(!page.includes('rabbit-password') && !page.includes('guest:') && !page.includes('status-token'), 'no secret reference or credential in the page');
  });

  it('places no two nodes on top of each other, left to right, with every edge attached to its nodes', async () => {
    await diagram.showFlow(orderProcessing);
    const nodes = await diagram.nodes();
    const box = new Map(nodes.map((n) => [n.name, n.box]));
    for (const a of nodes) {
      for (const b of nodes) {
        if (a === b) continue;
        const apart = a.box.x + a.box.width <= b.box.x || b.box.x + b.box.width <= a.box.x || a.box.y + a.box.height <= b.box.y || b.box.y + b.box.height <= a.box.y;
        assert.ok(apart, `${a.name} overlaps ${b.name}`);
      }
    }
    for (const edge of await diagram.edges()) {
      const source = box.get(edge.source)!;
      const target = box.get(edge.target)!;
      assert.ok(source.x + source.width < target.x, `${edge.source} is left of ${edge.target}`);
      assert.ok(Math.abs(edge.start.x - (source.x + source.width)) <= 1.5 && edge.start.y > source.y && edge.start.y < source.y + source.height);
      assert.ok(Math.abs(edge.end.x - target.x) <= 1.5 && edge.end.y > target.y && edge.end.y < target.y + target.height);
    }
  });

  it('paints run status on the right nodes and the messages moved on the edges', async () => {
    await diagram.showFlow(orderProcessing);
    await diagram.send({ type: 'status', status });
    const nodes = await diagram.nodes();
    assert.deepEqual(nodes.map((n) => [n.name, n.status, n.texts[2]]), [
      ['OrderTopic', 'succeeded', 'succeeded · 120 ok'],
      ['OrderQueue', 'running', 'running · 80 ok · 3 retried'],
      ['OrderService', 'failed', 'failed · 40 ok · 6 retried · 2 parked'],
      ['OrderDB', 'blocked', 'blocked'],
      ['StatusAPI', '', ''],
    ]);
    assert.deepEqual((await diagram.edges()).map((e) => e.count), ['120 messages', '80 messages', '40 messages', '']);
    const menu = JSON.parse((await diagram.page.getAttribute('.node[data-component="OrderService"]', 'data-vscode-context')) ?? '{}') as unknown;
    assert.deepEqual(menu, {
      webviewSection: 'flowtracer.node',
      flowtracerComponent: 'OrderService',
      flowtracerUri: 'file:///work/test.flow.yaml',
      flowtracerType: 'service',
      flowtracerState: 'failed',
      preventDefaultContextMenuItems: true,
    });
    const label = await diagram.page.getAttribute('.node[data-component="OrderService"]', 'aria-label');
    assert.equal(label, 'OrderService, service, POST localhost:8080/orders, failed · 40 ok · 6 retried · 2 parked');
  });

  it('paints a dry run as what it would deliver, never as messages moved', async () => {
    await diagram.showFlow(orderProcessing);
    await diagram.send({
      type: 'status',
      status: { runId: 'run-dry', dryRun: true, components: { OrderTopic: { state: 'succeeded', processed: 25, parked: 0, retries: 0 }, OrderQueue: { state: 'succeeded', processed: 25, parked: 0, retries: 0 } }, moved: { 0: 25 } },
    });
    assert.deepEqual((await diagram.nodes()).slice(0, 2).map((n) => n.texts[2]), ['succeeded · would deliver 25', 'succeeded · would deliver 25']);
    assert.deepEqual((await diagram.edges()).map((e) => e.count), ['would deliver 25', '', '', '']);
  });

  it('repaints a later status of the same run in place: counts grow, states change, parked messages show on their edge', async () => {
    await diagram.showFlow(orderProcessing);
    await diagram.send({ type: 'status', status: { runId: 'run-2', components: { OrderQueue: { state: 'running', processed: 3, parked: 0, retries: 0 } }, moved: { 0: 3 } } });
    assert.deepEqual((await diagram.nodes()).map((n) => n.status), ['', 'running', '', '', '']);
    await diagram.send({
      type: 'status',
      status: { runId: 'run-2', components: { OrderTopic: { state: 'succeeded', processed: 9, parked: 0, retries: 0 }, OrderQueue: { state: 'failed', processed: 8, parked: 1, retries: 2 } }, moved: { 0: 8 }, parked: { 0: 1 } },
    });
    const nodes = await diagram.nodes();
    assert.deepEqual(nodes.slice(0, 2).map((n) => [n.name, n.status, n.texts[2]]), [
      ['OrderTopic', 'succeeded', 'succeeded · 9 ok'],
      ['OrderQueue', 'failed', 'failed · 8 ok · 2 retried · 1 parked'],
    ]);
    assert.deepEqual((await diagram.edges()).map((e) => e.count), ['8 messages · 1 parked', '', '', '']);
    // It tells the host what it now shows (the editor tests follow a live run on this).
    const painted = (await diagram.posted()).filter((m) => m.type === 'statusPainted');
    assert.equal(painted.length, 2);
    assert.deepEqual(painted[1], {
      type: 'statusPainted',
      runId: 'run-2',
      nodes: { OrderTopic: 'succeeded · 9 ok', OrderQueue: 'failed · 8 ok · 2 retried · 1 parked', OrderService: '', OrderDB: '', StatusAPI: '' },
      edges: { 0: '8 messages · 1 parked', 1: '', 2: '', 3: '' },
    });
  });

  it('highlights a traced path and the component under the editor cursor', async () => {
    await diagram.showFlow(orderProcessing);
    await diagram.send({ type: 'trace', path: { traceId: 't1', components: ['OrderTopic', 'OrderQueue'], connections: [0] } });
    await diagram.send({ type: 'select', component: 'OrderDB' });
    const classes = await diagram.page.$$eval('.node', (gs) => gs.map((g) => [(g as SVGGElement).dataset.component, g.classList.contains('traced'), g.classList.contains('selected')]));
    assert.deepEqual(classes, [
      ['OrderTopic', true, false], ['OrderQueue', true, false], ['OrderService', false, false], ['OrderDB', false, true], ['StatusAPI', false, false],
    ]);
    assert.deepEqual(await diagram.page.$$eval('.edge', (gs) => gs.map((g) => g.classList.contains('traced'))), [true, false, false, false]);
  });

  it('writes each traced hop\'s measured duration on its edge, and clears them with the trace', async () => {
    await diagram.showFlow(orderProcessing);
    const durations = () => diagram.page.$$eval('.edge', (gs) => gs.map((g) => g.querySelector('.edge-duration')?.textContent ?? null));
    await diagram.send({ type: 'trace', path: { traceId: 't1', components: ['OrderTopic', 'OrderQueue', 'OrderService'], connections: [0, 1], durations: { 0: 12.4, 1: 1430 } } });
    assert.deepEqual(await durations(), ['12 ms', '1.4s', '', '']);
    await diagram.send({ type: 'trace', path: undefined });
    assert.deepEqual(await durations(), ['', '', '', '']);
  });

  it('posts reveal when a node is clicked, and when Enter is pressed on a node reached with Tab', async () => {
    await diagram.showFlow(orderProcessing);
    await diagram.page.click('.node[data-component="OrderService"]');
    await diagram.page.focus('.node[data-component="OrderTopic"]');
    await diagram.page.keyboard.press('Tab');
    await diagram.page.keyboard.press('Enter');
    const reveals = (await diagram.posted()).filter((m) => m.type === 'reveal');
    assert.deepEqual(reveals, [{ type: 'reveal', component: 'OrderService' }, { type: 'reveal', component: 'OrderQueue' }]);
  });

  it(`renders a component named ${XSS_NAME} as text and runs nothing`, async () => {
    const flow = `components:\n  "${XSS_NAME}":\n    type: kafka\n    brokers: [x]\n    topic: "<script>alert(2)</script>"\nconnections:\n  - { from: "${XSS_NAME}", to: "<b>ghost</b>" }\n`;
    await diagram.showFlow(flow);
    const nodes = await diagram.nodes();
    assert.deepEqual(nodes.map((n) => [n.name, n.texts[0], n.ghost]), [[XSS_NAME, '<img src=x onerror=aler…', false], ['<b>ghost</b>', '<b>ghost</b>', true]]);
    assert.equal(nodes[0]!.texts[1], 'topic <script>alert(2)</scrip…');
    assert.equal(await diagram.page.textContent('.node title'), XSS_NAME);
    assert.equal(await diagram.page.$$eval('img, script:not([src]), b', (found) => found.length), 0);
  });

  it('follows edits: a changed value keeps every position, a new connection is drawn, zoom and pan are kept', async () => {
    await diagram.showFlow(orderProcessing, 1);
    await diagram.page.click('button[data-action="Zoom in"]');
    const transform = await diagram.page.getAttribute('.viewport', 'transform');
    const before = await diagram.nodes();
    const valueEdit = await diagram.showFlow(orderProcessing.replace('topic: orders', 'topic: orders-v2'), 2);
    assert.equal(valueEdit.reusedLayout, true);
    const after = await diagram.nodes();
    assert.deepEqual(after.map((n) => n.box), before.map((n) => n.box));
    assert.equal(after[0]!.texts[1], 'topic orders-v2');
    const added = await diagram.showFlow(`${orderProcessing}  - from: StatusAPI\n    to: AuditLog\n`, 3);
    assert.equal(added.reusedLayout, false);
    assert.deepEqual((await diagram.edges()).map((e) => `${e.source}>${e.target}`).slice(-1), ['StatusAPI>AuditLog']);
    assert.equal((await diagram.nodes()).find((n) => n.name === 'AuditLog')?.ghost, true);
    assert.equal(await diagram.page.getAttribute('.viewport', 'transform'), transform);
    assert.match((await diagram.page.textContent('.notice')) ?? '', /1 connection end names a component not defined/);
  });

  /** Each node's box on screen and the canvas's, in CSS pixels. */
  const onScreen = async () => ({
    canvas: (await diagram.page.$eval('svg.canvas', (svg) => svg.getBoundingClientRect().toJSON() as DOMRect)),
    nodes: await diagram.page.$$eval('.nodes .node', (nodes) => nodes.map((g) => ({ name: (g as SVGGElement).dataset.component!, box: g.querySelector('.node-box')!.getBoundingClientRect().toJSON() as DOMRect }))),
    zoom: Number(/scale\(([\d.e-]+)\)/.exec((await diagram.page.getAttribute('.viewport', 'transform')) ?? '')?.[1]),
  });
  const outside = (view: Awaited<ReturnType<typeof onScreen>>) =>
    view.nodes.filter(({ box }) => box.left < view.canvas.left || box.top < view.canvas.top || box.right > view.canvas.right || box.bottom > view.canvas.bottom).map((n) => n.name);

  it('fits the flow to the panel on open: every node inside the view, at a readable zoom', async () => {
    await diagram.showFlow(orderProcessing);
    const view = await onScreen();
    assert.equal(view.nodes.length, 5);
    assert.deepEqual(outside(view), [], `every node inside the ${view.canvas.width}x${view.canvas.height} view`);
    assert.ok(view.zoom >= 0.7, `readable zoom, got ${view.zoom}`);
  });

  it('fits again when the panel is resized and after an edit that adds nodes, until the user zooms', async () => {
    await diagram.showFlow(orderProcessing, 1);
    const wide = await onScreen();
    await diagram.page.setViewportSize({ width: 1100, height: 380 });
    await diagram.page.waitForFunction((zoom) => !document.querySelector('.viewport')?.getAttribute('transform')?.endsWith(`scale(${zoom})`), wide.zoom);
    const narrower = await onScreen();
    assert.ok(narrower.zoom < wide.zoom, `zoom ${wide.zoom} -> ${narrower.zoom}`);
    assert.deepEqual(outside(narrower), [], 'every node inside after the resize');

    const added = `${orderProcessing}${['AuditLog', 'Archive', 'Billing'].map((to) => `  - from: OrderService\n    to: ${to}\n`).join('')}`;
    await diagram.showFlow(added, 2);
    const grown = await onScreen();
    assert.equal(grown.nodes.length, 8);
    assert.ok(grown.zoom < narrower.zoom, `fitted again to the taller layout: zoom ${narrower.zoom} -> ${grown.zoom}`);
    assert.deepEqual(outside(grown), [], 'the added nodes are inside too');

    // Once the user zooms, the view is theirs: a resize keeps it.
    await diagram.page.click('button[data-action="Zoom in"]');
    const chosen = await diagram.page.getAttribute('.viewport', 'transform');
    await diagram.page.setViewportSize({ width: 1200, height: 560 });
    await diagram.page.waitForFunction(() => document.querySelector('svg.canvas')!.getBoundingClientRect().width === 1200);
    assert.equal(await diagram.page.getAttribute('.viewport', 'transform'), chosen);
  });

  it('below a readable zoom it scrolls instead of shrinking: a narrow panel shows the sources first, the wheel brings the rest', async () => {
    await diagram.page.setViewportSize({ width: 420, height: 360 });
    await diagram.showFlow(orderProcessing);
    const view = await onScreen();
    assert.equal(view.zoom, 0.7, 'fitted no smaller than the readable zoom');
    assert.deepEqual(outside(view).includes('OrderTopic'), false, 'the source is in view');
    assert.ok(outside(view).length > 0, 'the rest is off to the right');
    await diagram.page.mouse.move(200, 200);
    for (let i = 0; i < 8 && outside(await onScreen()).includes('StatusAPI'); i++) await diagram.page.mouse.wheel(200, 0);
    const scrolled = await onScreen();
    assert.equal(scrolled.zoom, 0.7, 'scrolling keeps the zoom');
    assert.equal(outside(scrolled).includes('StatusAPI'), false, 'the last node scrolled into view');
  });

  it('labels a setting written with ${env:X:-default} by its default, with the reference in the tooltip, and never a secret', async () => {
    const flow = [
      'flow: env-labels',
      'components:',
      '  Orders: { type: kafka, brokers: ["${env:KAFKA_BROKERS:-localhost:9092}"], topic: "${env:ORDERS_TOPIC:-orders}" }',
      '  Service: { type: service, url: "${env:ORDER_SERVICE_URL:-http://localhost:3000}/orders" }',
      '  Queue: { type: mq, url: "amqp://guest:${secret:rabbit-password}@localhost:5672", queue: "${env:QUEUE}" }',
      'connections:',
      '  - { from: Orders, to: Service }',
      '  - { from: Service, to: Queue }',
      '',
    ].join('\n');
    await diagram.showFlow(flow);
    const nodes = await diagram.nodes();
    assert.deepEqual(nodes.map((n) => [n.name, n.texts[1]]), [['Orders', 'topic orders'], ['Service', 'localhost:3000/orders'], ['Queue', 'queue ${env:QUEUE}']]);
    const titles = await diagram.page.$$eval('.nodes .node > title', (ts) => ts.map((t) => t.textContent));
    assert.deepEqual(titles, [
      'Orders\nbrokers: ${env:KAFKA_BROKERS:-localhost:9092}\ntopic: ${env:ORDERS_TOPIC:-orders}',
      'Service\nurl: ${env:ORDER_SERVICE_URL:-http://localhost:3000}/orders',
      'Queue\nqueue: ${env:QUEUE}',
    ]);
    assert.ok(!(await diagram.page.content()).includes('rabbit-password'), 'no secret reference in the page');
  });

  it('draws what it can of a flow with a YAML error and says so', async () => {
    await diagram.showFlow('components:\n  A: { type: mq, url: "amqp://h", queue: q }\n  B: [unclosed\n');
    assert.deepEqual((await diagram.nodes()).map((n) => n.name), ['A', 'B']);
    assert.match((await diagram.page.textContent('.notice')) ?? '', /The YAML has \d+ problems?; the diagram shows what could be read/);
  });

  it('exports the drawing as SVG and PNG to the host', async () => {
    await diagram.showFlow(orderProcessing);
    await diagram.page.click('button[data-action="Export as SVG"]');
    await diagram.page.click('button[data-action="Export as PNG"]');
    await diagram.page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string; format?: string }> }).__posted.some((m) => m.format === 'png'));
    const exports = (await diagram.posted()).filter((m): m is Extract<WebviewToHost, { type: 'export' }> => m.type === 'export');
    assert.deepEqual(exports.map((m) => m.format), ['svg', 'png']);
    assert.match(exports[0]!.data, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(exports[0]!.data.includes('>OrderTopic</text>'));
    // Theme colours are resolved into the file: the Kafka icon keeps the theme's orange (#d18616).
    assert.match(exports[0]!.data, /<use[^>]*href="#icon-kafka"[^>]*color="rgb\(209, 134, 22\)"|<use[^>]*color="rgb\(209, 134, 22\)"[^>]*href="#icon-kafka"/);
    assert.match(exports[1]!.data, /^data:image\/png;base64,iVBOR/);
  });

  it('restores the saved zoom and pan after a reload', async () => {
    await diagram.close();
    diagram = await DiagramPage.open(browser, server, 'light', { uri: 'file:///work/test.flow.yaml', zoom: 0.5, panX: 40, panY: 30 });
    await diagram.showFlow(orderProcessing);
    assert.equal(await diagram.page.getAttribute('.viewport', 'transform'), 'translate(40 30) scale(0.5)');
  });

  it('shows a minimap for a large flow; a click in it moves the view there', async () => {
    await diagram.showFlow(generateFlow(60));
    assert.equal(await diagram.page.isVisible('.minimap'), true);
    assert.equal(await diagram.page.$$eval('.minimap-node', (boxes) => boxes.length), 60);
    const before = await diagram.page.getAttribute('.viewport', 'transform');
    const minimap = (await diagram.page.$('.minimap'))!;
    const box = (await minimap.boundingBox())!;
    await diagram.page.mouse.click(box.x + box.width - 5, box.y + 5);
    assert.notEqual(await diagram.page.getAttribute('.viewport', 'transform'), before);
  });

  it('draws the flow in columns and tells the host when the layout worker cannot load', async () => {
    const crippled = await startWebviewServer(['layout-worker.js']);
    try {
      await diagram.close();
      diagram = await DiagramPage.open(browser, crippled);
      const rendered = await diagram.showFlow(orderProcessing);
      assert.equal(rendered.nodes, 5);
      const errors = (await diagram.posted()).filter((m) => m.type === 'error');
      assert.deepEqual(errors.map((m) => m.type === 'error' && m.message), [
        'The layout worker did not start (The diagram\'s layout worker could not be loaded (HTTP 404).); the diagram uses a simple column layout.',
      ]);
      const xs = (await diagram.nodes()).map((n) => n.box.x);
      assert.deepEqual(xs, [...xs].sort((a, b) => a - b));
      // The 404 itself is the one console error expected here.
      assert.deepEqual(diagram.errors.map((e) => /404/.test(e)), [true]);
      diagram.errors.length = 0;
    } finally {
      await crippled.close();
    }
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    it(`stores a screenshot in the ${theme} theme under test-results/`, async () => {
      await diagram.close();
      diagram = await DiagramPage.open(browser, server, theme);
      await diagram.showFlow(`${orderProcessing}  - from: StatusAPI\n    to: AuditLog\n`);
      await diagram.send({ type: 'status', status });
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = join(ARTIFACTS, `diagram-${theme}.png`);
      await diagram.page.screenshot({ path });
      const background = await diagram.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(background, { light: 'rgb(255, 255, 255)', dark: 'rgb(31, 31, 31)', 'high-contrast': 'rgb(0, 0, 0)' }[theme]);
    });
  }
});
