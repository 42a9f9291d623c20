// bench:diagram: lays out and renders flows of 50, 300 and 1,000 components in Chromium; dagre in the same page as the reference.
import ELK from 'elkjs';
import type { Page } from 'playwright-core';
import { parseFlow } from '../../flow/parse';
import type { WebviewToHost } from '../../protocol/webview-messages';
import { DiagramPage, launchChromium } from '../../test/browser/support/diagram-page';
import { startWebviewServer } from '../../test/browser/support/webview-server';
import { flowToDiagram } from '../../webview/graph/flow-to-diagram';
import { layoutDiagram } from '../../webview/graph/layout-diagram';
import { dagreInput, dagrePageScript } from './dagre-reference';
import { generateFlow } from './generate-flow';

type Rendered = Extract<WebviewToHost, { type: 'rendered' }>;
const SIZES = [50, 300, 1000];
const RUNS: Record<number, number> = { 50: 5, 300: 3, 1000: 2 };
const TARGETS: Record<number, number> = { 50: 150, 300: 1000 };
const WARM_UP = 'components:\n  A: { type: kafka, brokers: [x], topic: t }\n  B: { type: mq, url: amqp://h, queue: q }\nconnections:\n  - { from: A, to: B }\n';

/** Posts a flow and measures, in the page, until the drawing is reported and the next frame is painted. */
const MEASURE = `async ({ text, version }) => {
  const start = performance.now();
  const drawn = new Promise((resolve) => {
    window.addEventListener('stand-in-posted', function listener(event) {
      if (event.detail.type !== 'rendered' || event.detail.version !== version) return;
      window.removeEventListener('stand-in-posted', listener);
      requestAnimationFrame(() => setTimeout(() => resolve(event.detail), 0));
    });
  });
  window.postMessage({ type: 'flow', uri: 'file:///bench.flow.yaml', version, text }, '*');
  const rendered = await drawn;
  return { rendered, ms: performance.now() - start };
}`;

async function draw(page: Page, text: string, version: number): Promise<{ rendered: Rendered; ms: number }> {
  return page.evaluate(`(${MEASURE})(${JSON.stringify({ text, version })})`);
}

async function screenPositions(diagram: DiagramPage): Promise<Map<string, { x: number; y: number }>> {
  const transform = (await diagram.page.getAttribute('.viewport', 'transform')) ?? '';
  const [panX, panY, zoom] = (/translate\(([-\d.e]+) ([-\d.e]+)\) scale\(([-\d.e]+)\)/.exec(transform) ?? []).slice(1).map(Number);
  return new Map((await diagram.nodes()).map((n) => [n.name, { x: n.box.x * zoom! + panX!, y: n.box.y * zoom! + panY! }]));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const f = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

async function main(): Promise<void> {
  const server = await startWebviewServer();
  const browser = await launchChromium();
  try {
    const diagram = await DiagramPage.open(browser, server, 'dark');
    const page = diagram.page;
    const reference = await browser.newPage();
    await reference.evaluate(await dagrePageScript());
    let version = 1;
    const coldStart = await draw(page, WARM_UP, version++);
    const coldFifty = await draw(page, generateFlow(50), version++);
    // As in an editing session, the worker's JIT has seen a few layouts before the measured ones.
    for (const size of [40, 60, 45]) await draw(page, generateFlow(size), version++);
    console.log('FlowTracer diagram benchmark (headless Chromium, elkjs layered in a Web Worker; dagre 0.8 in the same browser)');
    console.log(`first drawing after the page opened (worker start-up included): 2 nodes ${f(coldStart.ms)}, then 50 nodes ${f(coldFifty.ms)}`);
    console.log('medians of warm runs:');
    console.log('nodes edges |    parse | ELK layout |   render |    paint | total (target)        | dagre layout | ELK/dagre');
    for (const size of SIZES) {
      const text = generateFlow(size);
      const model = flowToDiagram(parseFlow(text).model);
      const layouts: number[] = [];
      const parses: number[] = [];
      const renders: number[] = [];
      const paints: number[] = [];
      const totals: number[] = [];
      const dagres: number[] = [];
      for (let run = 0; run < RUNS[size]!; run++) {
        // A different graph in between, so each run lays out afresh instead of reusing positions.
        await draw(page, WARM_UP, version++);
        const { rendered, ms } = await draw(page, text, version++);
        layouts.push(rendered.timings.layout);
        parses.push(rendered.timings.parse);
        renders.push(rendered.timings.render);
        paints.push(ms - rendered.timings.total);
        totals.push(ms);
        dagres.push(await reference.evaluate(`window.dagreLayoutMs(${JSON.stringify(dagreInput(model))})`) as number);
      }
      const layout = median(layouts);
      const total = median(totals);
      const dagre = median(dagres);
      const target = TARGETS[size];
      const verdict = target === undefined ? '' : total < target ? ` (< ${target} ok)` : ` (> ${target} MISSED)`;
      const columns = [f(median(parses)), `  ${f(layout)}`, f(median(renders)), f(median(paints)), `${f(total)}${verdict}`.padEnd(21), `  ${f(dagre)}`, `${(layout / dagre).toFixed(2)}x`];
      console.log(`${String(size).padStart(5)} ${String(model.edges.length).padStart(5)} | ${columns.join(' | ')}`);
    }
    // One-line edits of the 50-node flow: a value (positions reused) and a connection's target (new layout).
    const fifty = generateFlow(50);
    await draw(page, fifty, version++);
    const valueEdit = fifty.replace('topic: topic-0\n', 'topic: topic-0-v2\n');
    const lines = fifty.split('\n');
    const toLine = lines.findIndex((l) => l.startsWith('    to: '));
    const lastName = /^  (\S+):$/.exec(lines.filter((l) => /^  \S+:$/.test(l)).pop() ?? '')?.[1];
    lines[toLine] = `    to: ${lastName}`;
    const structuralEdit = lines.join('\n');
    const valueTimes: number[] = [];
    const structureTimes: number[] = [];
    for (let run = 0; run < 5; run++) {
      valueTimes.push((await draw(page, run % 2 ? fifty : valueEdit, version++)).ms);
    }
    for (let run = 0; run < 5; run++) {
      structureTimes.push((await draw(page, run % 2 ? fifty : structuralEdit, version++)).ms);
    }
    const v = median(valueTimes);
    const s = median(structureTimes);
    // Nodes that moved on screen after adding one connection (the view follows the layout's median shift).
    const movedAfter: string[] = [];
    for (const [what, edit] of [['to a neighbour', '  - from: C0003Kafka\n    to: C0006Mq\n'], ['to a new component', '  - from: C0022Service\n    to: Audit\n']]) {
      await draw(page, fifty, version++);
      const before = await screenPositions(diagram);
      await draw(page, `${fifty}${edit}`, version++);
      const after = await screenPositions(diagram);
      const moved = [...after].filter(([name, p]) => {
        const was = before.get(name);
        return was !== undefined && (Math.abs(was.x - p.x) > 0.5 || Math.abs(was.y - p.y) > 0.5);
      }).length;
      movedAfter.push(`${what} ${moved}`);
    }
    console.log(`update after a one-line value edit, 50 nodes (positions reused): ${f(v)} (target < 100 ms: ${v < 100 ? 'ok' : 'MISSED'})`);
    console.log(`update after a one-line connection edit, 50 nodes (new layout):   ${f(s)} (target < 100 ms: ${s < 100 ? 'ok' : 'MISSED'})`);
    console.log(`nodes of 50 that moved on screen after adding a connection: ${movedAfter.join(', ')}`);
    await reference.close();
    await diagram.close();
    // Node placement strategies, measured with the same elkjs in Node (the pick is in webview/graph/layout-options.ts).
    const elk = new ELK();
    const warm = flowToDiagram(parseFlow(generateFlow(300)).model);
    await layoutDiagram(elk, warm, 'BRANDES_KOEPF');
    await layoutDiagram(elk, warm, 'NETWORK_SIMPLEX');
    for (const size of [50, 300]) {
      const model = flowToDiagram(parseFlow(generateFlow(size)).model);
      const times: string[] = [];
      for (const placement of ['BRANDES_KOEPF', 'NETWORK_SIMPLEX'] as const) {
        let best = Infinity;
        for (let run = 0; run < 2; run++) {
          const start = performance.now();
          await layoutDiagram(elk, model, placement);
          best = Math.min(best, performance.now() - start);
        }
        times.push(`${placement} ${f(best)}`);
      }
      console.log(`node placement, ${size} nodes (elkjs in Node): ${times.join(', ')}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
