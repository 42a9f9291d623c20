// A flow's kafka or mq component as the message commands use it: loaded and checked, its connector, a browse with a search, its schemas and broker address.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FlowComponent, FlowModel } from '../../flow/model';
import { buildConnectors } from '../component-connectors';
import type { Browse, BrowsedMessage, BrowseOptions, Connector } from '../connectors/connector';
import { createConnector } from '../connectors/registry';
import { PayloadValidator } from '../payload-validation';
import { planRun } from '../plan';
import { Redactor } from '../redaction';
import { environmentSecrets, resolveValues, type SecretProvider } from '../values';
import { isEmptySearch, matchesSearch, type MessageSearch } from './message-search';
import type { ComponentAddress } from './redrive-plan';

/** The component named is not one whose messages can be shown or moved (a usage error). */
export class MessageTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageTargetError';
  }
}

export interface LoadedFlow {
  readonly file: string;
  readonly model: FlowModel;
  readonly component: FlowComponent;
}

/** The checked flow (PlanRefused when it has errors) and the kafka or mq component named. */
export function loadComponent(file: string, name: string): LoadedFlow {
  const path = resolve(file);
  const model = planRun(readFileSync(path, 'utf8'), { path, fs: { exists: existsSync } }).model;
  const component = model.components.find((c) => c.name === name);
  if (!component) throw new MessageTargetError(`the flow has no component '${name}'`);
  if (component.type !== 'kafka' && component.type !== 'mq') throw new MessageTargetError(`component ${name} is a ${component.type ?? 'component'}: messages can be browsed, sent and redriven for kafka and mq components`);
  return { file: path, model, component };
}

/** The component's connector, its values resolved (secrets from `secrets`: the environment for the CLI). */
export async function connectorFor(component: FlowComponent, signal: AbortSignal, secrets: SecretProvider = environmentSecrets()): Promise<Connector> {
  const connectors = await buildConnectors([component], { factory: createConnector, env: process.env, secrets, redactor: new Redactor() }, signal);
  return connectors.get(component.name)!;
}

/**
 * Browses a component and hands on what the search matches, at most `limit` of them, and always
 * gives the messages back at the end. With a search, the component is read until `limit` matches
 * (or its end): the limit counts what is shown, not what was looked at. From Kafka's `latest`, it is the last `limit`
 * messages of each partition that are looked at.
 */
export async function browseComponent(connector: Connector, options: BrowseOptions, search: MessageSearch, signal: AbortSignal, use: (m: BrowsedMessage) => Promise<void> | void, note: (text: string) => void): Promise<void> {
  if (!connector.browse) throw new MessageTargetError(`a ${connector.type} component cannot be browsed`);
  const searching = !isEmptySearch(search);
  const latest = options.from === 'latest' || options.from === 'end';
  const browse: Browse = await connector.browse(searching && !latest ? { ...options, limit: Number.MAX_SAFE_INTEGER } : options, signal);
  let matched = 0;
  try {
    for await (const message of browse.messages(signal)) {
      if (searching && !matchesSearch(message, search)) continue;
      await use(message);
      // `latest` is the last `limit` of each partition: the connector bounds that read itself.
      if (++matched >= options.limit && !latest) break;
    }
  } finally {
    const said = await browse.close();
    if (said) note(said);
  }
}

/** The schema of every connection into or out of the component: what a message sent to it must satisfy. */
export function validatorsFor(file: string, model: FlowModel, component: string): { schema: string; validator: PayloadValidator }[] {
  const schemas = new Set(model.connections.filter((c) => (c.to === component || c.from === component) && typeof c.props.schema === 'string').map((c) => c.props.schema as string));
  return [...schemas].map((schema) => ({ schema, validator: PayloadValidator.fromFile(file, schema) }));
}

/** Each kafka and mq component's topic or queue, resolved: what dead letters' origins are matched with. */
export async function componentAddresses(model: FlowModel, signal: AbortSignal): Promise<ComponentAddress[]> {
  const sources = { env: process.env, secrets: environmentSecrets(), redactor: new Redactor() };
  const out: ComponentAddress[] = [];
  for (const component of model.components.filter((c) => c.type === 'kafka' || c.type === 'mq')) {
    const where = { topic: component.props.topic, queue: component.props.queue };
    const resolved = await resolveValues(where, { ...sources, owner: `component ${component.name}` }, signal).catch(() => where);
    out.push({ component, ...(typeof resolved.topic === 'string' ? { topic: resolved.topic } : {}), ...(typeof resolved.queue === 'string' ? { queue: resolved.queue } : {}) });
  }
  return out;
}

