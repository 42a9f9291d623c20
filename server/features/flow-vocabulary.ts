// What keys and values the flow format allows where: the language features' view of the format.
// Until flow/schema.ts (read from schemas/flow.schema.json) is available this mirrors flow-format.md.
import { COMPONENT_TYPES, CONNECTION_KINDS, VALIDATION_MODES } from '../../flow/model';

export interface PropertyInfo {
  readonly name: string;
  readonly required: boolean;
  readonly doc: string;
  /** Allowed values when the property is an enum (or an array of enum values). */
  readonly values?: readonly string[];
  /** What a new value looks like: 'map', 'list' or a scalar placeholder. */
  readonly shape: 'scalar' | 'map' | 'list';
  readonly placeholder?: string;
}

const p = (name: string, doc: string, extra: Partial<PropertyInfo> = {}): PropertyInfo => ({
  name,
  required: false,
  doc,
  shape: 'scalar',
  ...extra,
});

export const RETRY_STRATEGIES = ['fixed', 'exponential', 'custom'] as const;
export const JITTER_MODES = ['none', 'full', 'equal'] as const;
export const ERROR_CLASSES = ['timeout', 'connection', '4xx', '5xx', '429', 'validation'] as const;
export const DB_OPERATIONS = ['insert', 'upsert', 'update', 'delete'] as const;
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const common: readonly PropertyInfo[] = [
  p('type', 'The component type: `kafka`, `mq` (AMQP 0-9-1), `database` (PostgreSQL), `service` or `api`.', {
    required: true,
    values: COMPONENT_TYPES,
  }),
  p('description', 'What this component is, for people reading the flow.'),
  p('retry', 'How failed deliveries to this component are retried (overrides `defaults.retry`).\n\n```yaml\nretry: { strategy: fixed, delay: 2s, maxAttempts: 3 }\n```', { shape: 'map' }),
  p('validation', 'Payload validation mode for this component: `off`, `warn`, `strict` or `dry-run`.', { values: VALIDATION_MODES }),
];

const url = (what: string, example: string): PropertyInfo =>
  p('url', `The ${what} URL, e.g. \`${example}\`. Passwords belong in \`\${secret:NAME}\`.`, { required: true, placeholder: example });
const headers = p('headers', 'HTTP headers sent with every request.\n\n```yaml\nheaders: { Authorization: "Bearer ${secret:token}" }\n```', { shape: 'map' });
const method = p('method', 'The HTTP method (default `POST`).', { values: HTTP_METHODS });
const timeout = p('timeout', 'How long one request may take, e.g. `5s`.', { placeholder: '5s' });

export const COMPONENT_PROPERTIES: Readonly<Record<string, readonly PropertyInfo[]>> = {
  kafka: [
    ...common,
    p('brokers', 'The Kafka bootstrap brokers.\n\n```yaml\nbrokers: ["localhost:9092"]\n```', { required: true, shape: 'list', placeholder: '"localhost:9092"' }),
    p('topic', 'The Kafka topic read from or written to.', { required: true, placeholder: 'topic' }),
    p('clientId', 'The Kafka client id.'),
    p('ssl', 'Connect over TLS.', { values: ['true', 'false'] }),
    p('sasl', 'SASL authentication: `mechanism`, `username`, `password`.', { shape: 'map' }),
    p('key', 'JSONPath of the produced message key, e.g. `$.orderId`.'),
  ],
  mq: [
    ...common,
    url('AMQP 0-9-1 broker', 'amqp://localhost:5672'),
    p('queue', 'The queue consumed from or published to.', { required: true, placeholder: 'queue' }),
    p('exchange', 'The exchange messages are published to.'),
    p('routingKey', 'The routing key used when publishing.'),
    p('prefetch', 'How many unacknowledged messages the consumer may hold.'),
    p('durable', 'Whether the queue survives a broker restart.', { values: ['true', 'false'] }),
  ],
  database: [
    ...common,
    url('PostgreSQL', 'postgres://localhost:5432/db'),
    p('table', 'The default table.'),
    p('schema', 'The database schema (default `public`).'),
  ],
  service: [...common, url('service endpoint', 'http://localhost:8080/'), method, headers, timeout],
  api: [
    ...common,
    url('API endpoint', 'https://api.example.com/'),
    method,
    headers,
    timeout,
    p('items', 'JSONPath of the array of messages when the API is a source, e.g. `$.items`.'),
  ],
};

export const CONNECTION_PROPERTIES: readonly PropertyInfo[] = [
  p('from', 'The source component (a name under `components`).', { required: true }),
  p('to', 'The target component (a name under `components`).', { required: true }),
  p('kind', 'The connection kind; inferred from the two types when not written.', { values: CONNECTION_KINDS }),
  p('select', 'What the source yields in one run.\n\n```yaml\nselect: { from: earliest, until: end, limit: 10000 }\n```', { shape: 'map' }),
  p('schema', 'A JSON Schema file (relative to the flow) the payloads are validated against.'),
  p('operation', 'The database operation: `insert`, `upsert`, `update` or `delete`.', { values: DB_OPERATIONS }),
  p('table', 'The table written to.'),
  p('key', 'The key columns of an upsert, update or delete.', { shape: 'list' }),
  p('columns', 'Column -> JSONPath of the value.\n\n```yaml\ncolumns: { order_id: $.orderId, body: $ }\n```', { shape: 'map' }),
  p('description', 'What this connection does.'),
];

export const SELECT_PROPERTIES: readonly PropertyInfo[] = [
  p('from', 'Where reading starts: `earliest`, `latest`, an offset or an ISO-8601 time.', { values: ['earliest', 'latest'] }),
  p('until', 'Where reading stops: `end`, `empty` (MQ), `latest`, an offset or an ISO-8601 time.', { values: ['end', 'empty', 'latest'] }),
  p('partitions', 'The Kafka partitions to read.', { shape: 'list' }),
  p('limit', 'At most this many messages per run.'),
  p('query', 'The SQL query a database source runs.'),
  p('params', 'Parameters of the query.', { shape: 'list' }),
];

export const RETRY_PROPERTIES: readonly PropertyInfo[] = [
  p('strategy', 'The retry strategy: `fixed`, `exponential` or `custom`.', { required: true, values: RETRY_STRATEGIES }),
  p('delay', 'The (first) delay between attempts, e.g. `500ms`.', { placeholder: '1s' }),
  p('factor', 'How much each delay grows (`exponential` only).', { placeholder: '2' }),
  p('maxDelay', 'The longest delay (`exponential` only).', { placeholder: '30s' }),
  p('delays', 'The explicit schedule (`custom` only), e.g. `[1s, 5s, 30s]`.', { shape: 'list' }),
  p('maxAttempts', 'Attempts in total, the first one included.', { placeholder: '3' }),
  p('maxDuration', 'Give up after this long, e.g. `5m`.'),
  p('jitter', 'Randomness added to delays: `none`, `full` or `equal`.', { values: JITTER_MODES }),
  p('retryOn', 'Error classes that are retried.', { shape: 'list', values: ERROR_CLASSES }),
  p('abortOn', 'Error classes that are never retried.', { shape: 'list', values: ERROR_CLASSES }),
];

export const SASL_PROPERTIES: readonly PropertyInfo[] = [
  p('mechanism', 'The SASL mechanism.', { values: ['plain', 'scram-sha-256', 'scram-sha-512'] }),
  p('username', 'The SASL user.'),
  p('password', 'The SASL password; write it as `${secret:NAME}`.'),
];

export const ROOT_PROPERTIES: readonly PropertyInfo[] = [
  p('flow', 'The flow id: lowercase letters, digits and `-`.', { required: true }),
  p('title', 'A title for people.'),
  p('description', 'What the flow does.'),
  p('defaults', 'Defaults for every component: `retry`, `validation`.', { shape: 'map' }),
  p('components', 'The components, by name.', { required: true, shape: 'map' }),
  p('connections', 'The connections between components.', { shape: 'list' }),
  p('access', 'Who may run or retry this flow.\n\n```yaml\naccess:\n  github: { users: [alice], teams: [acme/ops] }\n```', { shape: 'map' }),
];

export const DEFAULTS_PROPERTIES: readonly PropertyInfo[] = [
  p('retry', 'The retry strategy of every component without its own.', { shape: 'map' }),
  p('validation', 'The validation mode: `off`, `warn`, `strict` or `dry-run`.', { values: VALIDATION_MODES }),
];

export const ACCESS_PROPERTIES: readonly PropertyInfo[] = [p('github', 'GitHub `users`, `orgs` and `teams` (`org/team`).', { shape: 'map' })];
export const GITHUB_ACCESS_PROPERTIES: readonly PropertyInfo[] = [
  p('users', 'GitHub user names.', { shape: 'list' }),
  p('orgs', 'GitHub organisations.', { shape: 'list' }),
  p('teams', 'GitHub teams written `org/team`.', { shape: 'list' }),
];

/**
 * The properties allowed in the mapping at `path` (keys from the root; numbers or '[]' for list items).
 * `componentType` gives the type of the component the path is inside, if any.
 */
export function propertiesAt(path: readonly (string | number)[], componentType: string | undefined): readonly PropertyInfo[] | undefined {
  const keys = path.map((segment) => (typeof segment === 'number' ? '[]' : segment));
  const [first, second, third, fourth] = keys;
  if (keys.length === 0) return ROOT_PROPERTIES;
  if (first === 'components') {
    if (keys.length === 2) return componentType ? COMPONENT_PROPERTIES[componentType] : common;
    if (keys.length === 3 && third === 'retry') return RETRY_PROPERTIES;
    if (keys.length === 3 && third === 'sasl') return SASL_PROPERTIES;
    return undefined;
  }
  if (first === 'connections' && second === '[]') {
    if (keys.length === 2) return CONNECTION_PROPERTIES;
    if (keys.length === 3 && third === 'select') return SELECT_PROPERTIES;
    return undefined;
  }
  if (first === 'defaults') {
    if (keys.length === 1) return DEFAULTS_PROPERTIES;
    if (keys.length === 2 && second === 'retry') return RETRY_PROPERTIES;
  }
  if (first === 'access') {
    if (keys.length === 1) return ACCESS_PROPERTIES;
    if (keys.length === 2 && second === 'github') return GITHUB_ACCESS_PROPERTIES;
  }
  void fourth;
  return undefined;
}

/** The main target of a component, for details: its topic, queue, table or host. */
export function mainTarget(type: string | undefined, props: Readonly<Record<string, unknown>>): string | undefined {
  const text = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  switch (type) {
    case 'kafka':
      return text(props.topic) && `topic ${text(props.topic)}`;
    case 'mq':
      return text(props.queue) && `queue ${text(props.queue)}`;
    case 'database':
      return text(props.table) ? `table ${text(props.table)}` : hostOf(text(props.url));
    default:
      return hostOf(text(props.url));
  }
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const match = /^[a-z][\w+.-]*:\/\/(?:[^@/]*@)?([^/?#]+)/i.exec(url);
  return match ? `host ${match[1]}` : undefined;
}
