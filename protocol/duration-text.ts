// A duration as every face writes it: `12 ms` under a second, `2.5s` above (the log, the Runs view, a traced hop on the diagram).

export function durationText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)}s`;
}
