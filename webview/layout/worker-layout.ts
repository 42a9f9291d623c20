// Runs ELK in the layout Web Worker with a time budget; a layout past the budget is abandoned.
import ELK from 'elkjs/lib/elk-api.js';
import type { DiagramModel } from '../graph/flow-to-diagram';
import { layoutDiagram } from '../graph/layout-diagram';
import type { Box, PositionedDiagram } from '../graph/positioned';

/** Layouts that take longer than this are abandoned and the worker restarted. */
const LAYOUT_BUDGET_MS = 10_000;

export class LayoutTimeoutError extends Error {
  constructor(readonly budgetMs: number) {
    super(`The layout took longer than ${budgetMs / 1000} s and was stopped; the diagram shows a simpler arrangement.`);
    this.name = 'LayoutTimeoutError';
  }
}

/**
 * The worker script is a webview resource of another origin, so it is fetched and started
 * from a blob URL (allowed by the page's CSP: `connect-src` and `worker-src blob:`).
 */
export class WorkerLayout {
  private elk: InstanceType<typeof ELK> | undefined;
  private blobUrl: Promise<string> | undefined;

  constructor(private readonly workerScriptUrl: string, private readonly budgetMs = LAYOUT_BUDGET_MS) {}

  async layout(diagram: DiagramModel, previous?: ReadonlyMap<string, Box>): Promise<PositionedDiagram> {
    const elk = await this.instance();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // The worker is busy for good: stop it; the next layout starts a fresh one.
        elk.terminateWorker();
        if (this.elk === elk) this.elk = undefined;
        reject(new LayoutTimeoutError(this.budgetMs));
      }, this.budgetMs);
    });
    try {
      return await Promise.race([layoutDiagram(elk, diagram, undefined, previous), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts the worker ahead of the first flow so that ELK's start-up is not on the first drawing's clock. */
  warmUp(): void {
    this.layout({ nodes: [], edges: [] }).catch(() => undefined);
  }

  private async instance(): Promise<InstanceType<typeof ELK>> {
    this.blobUrl ??= fetch(this.workerScriptUrl)
      .then((response) => {
        if (!response.ok) throw new Error(`The diagram's layout worker could not be loaded (HTTP ${response.status}).`);
        return response.blob();
      })
      .then((blob) => URL.createObjectURL(new Blob([blob], { type: 'text/javascript' })));
    const url = await this.blobUrl;
    this.elk ??= new ELK({ workerFactory: () => new Worker(url) });
    return this.elk;
  }

  dispose(): void {
    this.elk?.terminateWorker();
    this.elk = undefined;
  }
}
