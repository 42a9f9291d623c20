// Component type → connector factory: adding a component type (its schema entry) is one connector file and one line here.
import { ConnectorError, type Connector, type ConnectorFactory } from './connector';
import { DatabaseConnector } from './database';
import { HttpConnector } from './http';
import { KafkaConnector } from './kafka';
import { MqConnector } from './mq';

type Build = (name: string, props: Readonly<Record<string, unknown>>) => Connector;

/** One per component type of the schema (flow/component-types.ts); a unit test holds them to the schema's list. */
export const CONNECTORS: Readonly<Record<string, Build>> = {
  kafka: (name, props) => new KafkaConnector(name, props),
  mq: (name, props) => new MqConnector(name, props),
  database: (name, props) => new DatabaseConnector(name, props),
  service: (name, props) => new HttpConnector('service', name, props),
  api: (name, props) => new HttpConnector('api', name, props),
};

/** Builds the connector for a component's `type` prop. */
export const createConnector: ConnectorFactory = (name, props) => {
  const build = typeof props.type === 'string' && Object.hasOwn(CONNECTORS, props.type) ? CONNECTORS[props.type] : undefined;
  if (!build) throw new ConnectorError(`component ${name}: unknown component type \`${String(props.type)}\``, 'validation');
  return build(name, props);
};
