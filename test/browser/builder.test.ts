// The visual builder in headless Chromium: what each gesture posts, and what it refuses with a reason.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { EditRequest, WebviewToHost } from '../../protocol/webview-messages';
import { DiagramPage, launchChromium } from './support/diagram-page';
import { startWebviewServer, type WebviewServer } from './support/webview-server';

const FLOW = `flow: build
components:
  Orders:
    type: kafka
    brokers: [localhost:9092]
    topic: orders
  Queue:
    type: mq
    url: amqp://localhost
    queue: q
  Service:
    type: service
    url: http://localhost:8080
connections:
  - from: Orders
    to: Queue
`;

async function editsPosted(diagram: DiagramPage): Promise<EditRequest[]> {
  return (await diagram.posted()).filter((m): m is Extract<WebviewToHost, { type: 'edit' }> => m.type === 'edit').map((m) => m.request);
}

async function center(diagram: DiagramPage, selector: string): Promise<{ x: number; y: number }> {
  const box = await diagram.page.locator(selector).boundingBox();
  assert.ok(box, `${selector} is on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function dragConnect(diagram: DiagramPage, from: string, to: string): Promise<void> {
  const start = await center(diagram, `.node[data-component="${from}"] .node-port`);
  const end = await center(diagram, `.node[data-component="${to}"] .node-box`);
  await diagram.page.mouse.move(start.x, start.y);
  await diagram.page.mouse.down();
  await diagram.page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 4 });
  await diagram.page.mouse.move(end.x, end.y, { steps: 4 });
  await diagram.page.mouse.up();
}

async function alertText(diagram: DiagramPage): Promise<string> {
  const message = diagram.page.locator('.builder-message');
  await message.waitFor({ state: 'visible' });
  return (await message.textContent()) ?? '';
}

describe('visual builder in Chromium', function () {
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
    await diagram.showFlow(FLOW);
  });
  afterEach(async () => {
    assert.deepEqual(diagram.errors, [], 'the page logged no errors');
    assert.deepEqual(diagram.dialogs, [], 'the page opened no dialog');
    await diagram.close();
  });

  it('dragging from a node\'s port to another node posts an addConnection request', async () => {
    await dragConnect(diagram, 'Queue', 'Service');
    await diagram.page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'edit'));
    assert.deepEqual(await editsPosted(diagram), [{ kind: 'addConnection', from: 'Queue', to: 'Service' }]);
  });

  it('refuses a pair that cannot connect, shows the reason and posts nothing', async () => {
    await dragConnect(diagram, 'Queue', 'Orders');
    assert.equal(await alertText(diagram), 'Cannot connect Queue to Orders: connecting "Queue" to "Orders" would make a cycle.');
    await dragConnect(diagram, 'Orders', 'Queue');
    await diagram.page.waitForFunction(() => document.querySelector('.builder-message')?.textContent?.includes('already'));
    assert.equal(await alertText(diagram), 'Cannot connect Orders to Queue: "Orders" is already connected to "Queue".');
    assert.deepEqual(await editsPosted(diagram), []);
  });

  it('the palette asks for a unique name and posts an addComponent request of the chosen type', async () => {
    await diagram.page.selectOption('.palette select', 'database');
    await diagram.page.click('.palette button[data-action="add"]');
    const input = diagram.page.locator('.name-prompt input[name="name"]');
    assert.equal(await input.inputValue(), 'Database1');
    await input.fill('Orders');
    await diagram.page.click('.name-prompt button[type="submit"]');
    assert.equal(await diagram.page.locator('.name-prompt .field-error').textContent(), 'A component named "Orders" already exists.');
    await input.fill('Ledger');
    await input.press('Enter');
    assert.deepEqual(await editsPosted(diagram), [{ kind: 'addComponent', name: 'Ledger', componentType: 'database' }]);
    assert.equal(await diagram.page.locator('.builder-panel').isHidden(), true);
  });

  it('the field form validates each field before sending only the changed ones', async () => {
    await diagram.page.click('.node[data-component="Queue"] .node-box');
    await diagram.page.click('.palette button[data-action="edit"]');
    const form = diagram.page.locator('.field-form');
    assert.deepEqual(await form.locator('.field-name').allTextContents(), ['url *', 'queue *', 'exchange', 'routingKey', 'prefetch', 'durable', 'description', 'secret', 'validation']);
    await form.locator('input[name="prefetch"]').fill('0');
    await form.locator('input[name="url"]').fill('');
    await form.locator('button[type="submit"]').click();
    assert.deepEqual(await form.locator('.field-error').allTextContents(), ['url is required', '', '', '', 'prefetch must be at least 1', '', '', '', '']);
    await form.locator('input[name="prefetch"]').fill('2.5');
    await form.locator('button[type="submit"]').click();
    assert.equal(await form.locator('input[name="prefetch"] ~ .field-error').textContent(), 'prefetch must be a whole number');
    assert.deepEqual(await editsPosted(diagram), []);
    await form.locator('input[name="url"]').fill('amqp://rabbit:5672');
    await form.locator('input[name="prefetch"]').fill('50');
    await form.locator('button[type="submit"]').click();
    assert.deepEqual(await editsPosted(diagram), [{ kind: 'setFields', name: 'Queue', fields: { url: 'amqp://rabbit:5672', prefetch: 50 } }]);
  });

  it('Delete removes the selected connection, the toolbar deletes the selected component, Rename posts both names', async () => {
    await diagram.page.click('.edge[data-index="0"] .edge-line', { force: true });
    await diagram.page.keyboard.press('Delete');
    await diagram.page.click('.node[data-component="Service"] .node-box');
    await diagram.page.click('.palette button[data-action="delete"]');
    await diagram.page.click('.node[data-component="Orders"] .node-box');
    await diagram.page.click('.palette button[data-action="rename"]');
    await diagram.page.locator('.name-prompt input[name="name"]').fill('OrderTopic');
    await diagram.page.locator('.name-prompt input[name="name"]').press('Enter');
    assert.deepEqual(await editsPosted(diagram), [
      { kind: 'removeConnection', index: 0 },
      { kind: 'removeComponent', name: 'Service' },
      { kind: 'renameComponent', from: 'Orders', to: 'OrderTopic' },
    ]);
  });

  it('shows the reason the host gives for a refused edit', async () => {
    await diagram.send({ type: 'editRefused', id: 1, reason: 'the editor did not accept the change' });
    assert.equal(await alertText(diagram), 'The editor did not accept the change');
  });
});
