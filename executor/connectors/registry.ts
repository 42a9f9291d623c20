// Component type → connector factory: adding a component type is one connector file and one line here.
import type { ComponentType } from '../../flow/model';
import { ConnectorError, type Connector, type ConnectorFactory } from './connector';
import { DatabaseConnector } from './database';
import { HttpConnector } from './http';
import { KafkaConnector } from './kafka';
import { MqConnector } from './mq';

type Build = (name: string, props: Readonly<Record<string, unknown>>) => Connector;

export const CONNECTORS: Readonly<Record<ComponentType, Build>> = {
  kafka: (name, props) => new KafkaConnector(name, props),
  mq: (name, props) => new MqConnector(name, props),
  database: (name, props) => new DatabaseConnector(name, props),
  service: (name, props) => new HttpConnector('service', name, props),
  api: (name, props) => new HttpConnector('api', name, props),
};

/** Builds the connector for a component's `type` prop. */
export const createConnector: ConnectorFactory = (name, props) => {
  const build = CONNECTORS[props.type as ComponentType];
  if (!build) throw new ConnectorError(`component ${name}: unknown component type \`${String(props.type)}\``, 'validation');
  return build(name, props);
};
