// Builds each planned component's connector from its resolved properties and runs the pre-flight checks.
import type { FlowComponent } from '../flow/model';
import type { RunPlan } from './plan';
import type { Connector, ConnectorFactory } from './connectors/connector';
import type { Redactor } from './redaction';
import { componentSecretRule } from '../flow/resolve-values';
import { resolveValues, type SecretProvider } from './values';

/** A component could not be reached or built before anything moved; the message names it. */
export class PreflightError extends Error {
  constructor(
    readonly component: string,
    cause: string,
  ) {
    // Connector messages often start by naming the component already.
    super(`pre-flight: component ${component}: ${cause.replace(`component ${component}: `, '')}`);
    this.name = 'PreflightError';
  }
}

export interface ConnectorSources {
  readonly factory: ConnectorFactory;
  readonly env: NodeJS.ProcessEnv;
  readonly secrets: SecretProvider;
  readonly redactor: Redactor;
}

/** One connector per component, values resolved; a missing value throws its one-line MissingValueError. */
export async function buildConnectors(components: readonly FlowComponent[], sources: ConnectorSources, signal: AbortSignal): Promise<Map<string, Connector>> {
  const connectors = new Map<string, Connector>();
  for (const component of components) {
    const props = await resolveValues(component.props, { ...sources, owner: `component ${component.name}`, isSecret: componentSecretRule(component.props) }, signal);
    try {
      connectors.set(component.name, sources.factory(component.name, props));
    } catch (error) {
      await closeConnectors(connectors);
      throw new PreflightError(component.name, sources.redactor.redact((error as Error).message));
    }
  }
  return connectors;
}

/** The plan with the `${env:…}` and `${secret:…}` in its connections' settings resolved (a query's params, a table); a missing value throws its MissingValueError. */
export async function resolveConnections(plan: RunPlan, sources: Omit<ConnectorSources, 'factory'>, signal: AbortSignal): Promise<RunPlan> {
  const connections = [];
  for (const c of plan.connections) connections.push({ ...c, props: await resolveValues(c.props, { ...sources, owner: `connection ${c.id}` }, signal) });
  return { ...plan, connections };
}

/** Every component's `preflight`, in parallel; the first failure (in plan order) is reported. */
export async function preflightAll(connectors: ReadonlyMap<string, Connector>, redactor: Redactor, signal: AbortSignal): Promise<void> {
  const names = [...connectors.keys()];
  const results = await Promise.allSettled(names.map((name) => connectors.get(name)!.preflight(signal)));
  const index = results.findIndex((r) => r.status === 'rejected');
  if (index < 0) return;
  const reason = (results[index] as PromiseRejectedResult).reason as unknown;
  throw new PreflightError(names[index]!, redactor.redact(reason instanceof Error ? reason.message : String(reason)));
}

export async function closeConnectors(connectors: ReadonlyMap<string, Connector>): Promise<void> {
  await Promise.allSettled([...connectors.values()].map((c) => c.close()));
}
