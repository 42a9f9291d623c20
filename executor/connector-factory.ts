// The connector for each component type, as the CLI and the worker build them: the registry's factory.
export { createConnector as connectorFactory } from './connectors/registry';
