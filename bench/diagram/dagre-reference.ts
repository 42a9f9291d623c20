// The reference layout: dagre on the same graph, bundled for the page so it runs in the same Chromium.
import * as esbuild from 'esbuild';
import type { DiagramModel } from '../../webview/graph/flow-to-diagram';
import { edgeLabelWidth } from '../../webview/graph/flow-to-elk';
import { EDGE_LABEL_HEIGHT, NODE_HEIGHT, NODE_WIDTH } from '../../webview/graph/layout-options';

export interface DagreInput {
  readonly nodes: readonly string[];
  readonly edges: ReadonlyArray<{ source: string; target: string; labelWidth: number }>;
  readonly nodeWidth: number;
  readonly nodeHeight: number;
  readonly labelHeight: number;
}

export function dagreInput(diagram: DiagramModel): DagreInput {
  return {
    nodes: diagram.nodes.map((n) => n.id),
    edges: diagram.edges.map((e) => ({ source: e.source, target: e.target, labelWidth: edgeLabelWidth(e.label) })),
    nodeWidth: NODE_WIDTH,
    nodeHeight: NODE_HEIGHT,
    labelHeight: EDGE_LABEL_HEIGHT,
  };
}

/** A script defining `window.dagreLayoutMs(input)`, which lays the graph out with dagre and returns the milliseconds taken. */
export async function dagrePageScript(): Promise<string> {
  const source = `
    import dagre from 'dagre';
    window.dagreLayoutMs = (input) => {
      const graph = new dagre.graphlib.Graph({ multigraph: true });
      graph.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 36, edgesep: 10, marginx: 24, marginy: 24 });
      graph.setDefaultEdgeLabel(() => ({}));
      for (const id of input.nodes) graph.setNode(id, { width: input.nodeWidth, height: input.nodeHeight });
      input.edges.forEach((e, i) => graph.setEdge(e.source, e.target, { width: e.labelWidth, height: input.labelHeight, labelpos: 'c' }, 'e' + i));
      const start = performance.now();
      dagre.layout(graph);
      return performance.now() - start;
    };`;
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    minify: true,
  });
  return result.outputFiles[0]!.text;
}
