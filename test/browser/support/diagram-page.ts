// Drives the diagram webview in headless Chromium with a stand-in acquireVsCodeApi that records posted messages.
import { chromium, type Browser, type Page } from 'playwright-core';
import type { DiagramViewState, HostToWebview, WebviewToHost } from '../../../protocol/webview-messages';
import { THEMES, type ThemeName } from './themes';
import type { WebviewServer } from './webview-server';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface DrawnNode {
  readonly name: string;
  readonly type: string;
  readonly ghost: boolean;
  readonly status: string;
  readonly texts: readonly string[];
  readonly box: { x: number; y: number; width: number; height: number };
}

export interface DrawnEdge {
  readonly source: string;
  readonly target: string;
  readonly label: string;
  readonly count: string;
  readonly start: { x: number; y: number };
  readonly end: { x: number; y: number };
}

type Rendered = Extract<WebviewToHost, { type: 'rendered' }>;

/**
 * The stand-in for VS Code's webview API and theme, as plain JavaScript text (tsx would wrap a
 * function's inner names with helpers that do not exist in the page).
 */
function standInScript(variables: Readonly<Record<string, string>>, bodyClass: string, state: DiagramViewState | undefined): string {
  return `(() => {
    const posted = [];
    let saved = ${JSON.stringify(state ?? null)} ?? undefined;
    window.__posted = posted;
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => { posted.push(message); window.dispatchEvent(new CustomEvent('stand-in-posted', { detail: message })); },
      getState: () => saved,
      setState: (next) => { saved = next; },
    });
    // As VS Code does: theme variables on <html>, the theme kind as a class on <body>.
    document.addEventListener('DOMContentLoaded', () => {
      for (const [name, value] of Object.entries(${JSON.stringify(variables)})) document.documentElement.style.setProperty(name, value);
      document.body.classList.add(${JSON.stringify(bodyClass)});
    });
  })();`;
}

export class DiagramPage {
  /** Dialogs opened and console errors logged by the page: both must stay empty. */
  readonly dialogs: string[] = [];
  readonly errors: string[] = [];

  private constructor(readonly page: Page) {
    page.on('dialog', (dialog) => {
      this.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push(message.text());
    });
    page.on('pageerror', (error) => this.errors.push(error.message));
  }

  static async open(browser: Browser, server: WebviewServer, theme: ThemeName = 'light', state?: DiagramViewState): Promise<DiagramPage> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 560 } });
    const diagram = new DiagramPage(page);
    await page.addInitScript(standInScript(THEMES[theme], `vscode-${theme}`, state));
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
    return diagram;
  }

  posted(): Promise<WebviewToHost[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
  }

  async send(message: HostToWebview): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  /** Waits for the `rendered` message of a document version and returns it. */
  async rendered(version: number): Promise<Rendered> {
    const handle = await this.page.waitForFunction(
      (v) => (window as unknown as { __posted: Rendered[] }).__posted.find((m) => m.type === 'rendered' && m.version === v),
      version,
    );
    return (await handle.jsonValue()) as Rendered;
  }

  async showFlow(text: string, version = 1, uri = 'file:///work/test.flow.yaml'): Promise<Rendered> {
    await this.send({ type: 'flow', uri, version, text });
    return this.rendered(version);
  }

  nodes(): Promise<DrawnNode[]> {
    return this.page.$$eval('.nodes .node', (elements) =>
      elements.map((g) => {
        const rect = g.querySelector('.node-box') as SVGRectElement;
        const match = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '');
        return {
          name: (g as SVGGElement).dataset.component ?? '',
          type: [...g.classList].find((c) => c.startsWith('type-'))?.slice(5) ?? '',
          ghost: g.classList.contains('ghost'),
          status: (g as SVGGElement).dataset.status ?? '',
          texts: [...g.querySelectorAll('text')].map((t) => t.textContent ?? ''),
          box: { x: Number(match?.[1]), y: Number(match?.[2]), width: rect.width.baseVal.value, height: rect.height.baseVal.value },
        };
      }),
    );
  }

  edges(): Promise<DrawnEdge[]> {
    return this.page.$$eval('.edges .edge', (elements) =>
      elements.map((g) => {
        const numbers = (g.querySelector('.edge-line')?.getAttribute('d') ?? '').match(/-?[\d.]+/g)?.map(Number) ?? [];
        const element = g as SVGGElement;
        return {
          source: (element.dataset.source ?? '').slice(2),
          target: (element.dataset.target ?? '').slice(2),
          label: g.querySelector('.edge-label')?.textContent ?? '',
          count: g.querySelector('.edge-count')?.textContent ?? '',
          start: { x: numbers[0] ?? NaN, y: numbers[1] ?? NaN },
          end: { x: numbers[numbers.length - 2] ?? NaN, y: numbers[numbers.length - 1] ?? NaN },
        };
      }),
    );
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
