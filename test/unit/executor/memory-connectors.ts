// In-memory connectors for engine unit tests (pure logic): queues as arrays, a service that can fail on demand.
import { ConnectorError, type Connector, type ConnectorFactory, type FlowMessage, type SourceMessage } from '../../../executor/connectors/connector';

export interface MemoryWorld {
  /** Messages per broker component (kafka/mq/database) name. */
  readonly stores: Map<string, FlowMessage[]>;
  /** Committed source positions per component. */
  readonly commits: Map<string, string[]>;
  /** Keys every service/api component received, in order (every attempt). */
  readonly calls: Map<string, (string | null)[]>;
  /** A target fails with this error for a message while the predicate holds. */
  failing: (component: string, message: FlowMessage) => ConnectorError | undefined;
  readonly factory: ConnectorFactory;
}

export function memoryWorld(): MemoryWorld {
  const world: MemoryWorld = {
    stores: new Map(),
    commits: new Map(),
    calls: new Map(),
    failing: () => undefined,
    factory: (name, props): Connector => {
      const store = (): FlowMessage[] => world.stores.get(name) ?? (world.stores.set(name, []), world.stores.get(name)!);
      const processing = props.type === 'service' || props.type === 'api';
      return {
        type: props.type as Connector['type'],
        preflight: () => (props.url === 'unreachable' ? Promise.reject(new ConnectorError(`${String(props.url)} refused the connection`, 'connection')) : Promise.resolve()),
        openReader: processing ? undefined : () => {
          const items = [...store()];
          return Promise.resolve({
            async *messages(signal: AbortSignal) {
              for (let i = 0; i < items.length && !signal.aborted; i++) yield { ...items[i]!, position: `${name}@${i}` } as SourceMessage;
            },
            commit: (m: SourceMessage) => {
              (world.commits.get(name) ?? (world.commits.set(name, []), world.commits.get(name)!)).push(m.position);
              return Promise.resolve();
            },
            release: () => Promise.resolve(),
            close: () => Promise.resolve(),
          });
        },
        openWriter: () =>
          Promise.resolve({
            write: (message: FlowMessage) => {
              if (processing) {
                (world.calls.get(name) ?? (world.calls.set(name, []), world.calls.get(name)!)).push(message.key);
                const error = world.failing(name, message);
                if (error) return Promise.reject(error);
                const reply = { key: message.key, value: Buffer.from(JSON.stringify({ processed: JSON.parse(message.value.toString()) })), headers: { traceparent: message.headers.traceparent! } };
                return Promise.resolve({ position: '200', reply });
              }
              const error = world.failing(name, message);
              if (error) return Promise.reject(error);
              store().push(message);
              return Promise.resolve({ position: `${name}@${store().length - 1}` });
            },
            close: () => Promise.resolve(),
          }),
        close: () => Promise.resolve(),
      };
    },
  };
  return world;
}

export function seed(world: MemoryWorld, component: string, values: readonly unknown[]): void {
  world.stores.set(component, values.map((v, i) => ({ key: `k${i}`, value: Buffer.from(JSON.stringify(v)), headers: {} })));
}
