// The connector for each component type, as the CLI and the worker build them.
import { ConnectorError, type ConnectorFactory } from './connectors/connector';
import { KafkaConnector } from './connectors/kafka';
import { MqConnector } from './connectors/mq';

export const connectorFactory: ConnectorFactory = (name, props) => {
  switch (props.type) {
    case 'kafka':
      return new KafkaConnector(name, props);
    case 'mq':
      return new MqConnector(name, props);
    default:
      throw new ConnectorError(`component ${name}: the ${String(props.type)} connector is not available in this build`, 'validation');
  }
};
