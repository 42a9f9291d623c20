// How a count of delivered messages reads on every surface (status bar, Runs view, diagram, log, `show`): a dry run delivered nothing, it "would deliver N".

/** `25 delivered`, or `would deliver 25` after a dry run (which wrote nothing anywhere). */
export function deliveredText(count: number, dryRun: boolean): string {
  return dryRun ? `would deliver ${count}` : `${count} delivered`;
}

/** The reconciliation's middle term: `delivered 25`, or `would deliver 25` in a dry run. */
export function deliveredTerm(count: number, dryRun: boolean): string {
  return dryRun ? `would deliver ${count}` : `delivered ${count}`;
}
