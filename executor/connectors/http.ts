// The `service` and `api` components over Node's fetch: one request per message, 2xx delivers; an api GET as a source.
import { parseDuration } from '../../flow/durations';
import { ConnectorError, type ConnectionSettings, type Connector, type Delivery, type FlowMessage, type SourceMessage, type SourceReader, type SpanShape, type TargetWriter } from './connector';
import { forwardedHeaders, maxResponseBytesOf, readLimited } from './http-limits';
import { redirectError, requestError, statusError } from './http-response-error';
import { keyText, selectItems, selectValue } from './json-path-value';
import { keyPosition } from './key-position';
import { maskUrlPasswords } from '../../flow/secret-mask';
import { serverAttributes } from './span-attributes';

interface HttpProps {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeout?: string | number;
  readonly items?: string;
  readonly key?: string;
  readonly maxResponseBytes?: number;
}

/** What a connection into or out of this component sets for its requests. */
interface RequestSettings {
  readonly forwardHeaders?: readonly string[];
  readonly maxResponseBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class HttpConnector implements Connector {
  private readonly props: HttpProps;
  private readonly shownUrl: string;
  private readonly timeoutMs: number;

  constructor(readonly type: 'service' | 'api', readonly name: string, props: Readonly<Record<string, unknown>>) {
    this.props = props as unknown as HttpProps;
    if (typeof this.props.url !== 'string') throw new ConnectorError(`component ${name}: a ${type} component needs \`url\``, 'validation');
    this.shownUrl = maskUrlPasswords(this.props.url);
    const t = this.props.timeout;
    this.timeoutMs = typeof t === 'number' ? t : (parseDuration(t) ?? DEFAULT_TIMEOUT_MS);
  }

  /** One request with the message's forwardable headers, the component's, the run's signal and the component's timeout. */
  async request(method: string, body: FlowMessage | undefined, signal: AbortSignal, settings: RequestSettings = {}): Promise<Response> {
    const combined = AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]);
    let response: Response;
    try {
      response = await fetch(this.props.url, {
        method,
        headers: { 'content-type': 'application/json', ...forwardedHeaders(body?.headers, settings.forwardHeaders), ...(this.props.headers ?? {}) },
        body: body ? new Uint8Array(body.value) : undefined,
        signal: combined,
        // A redirect could lead to a host the run was not confirmed for: it is an answer, never followed.
        redirect: 'manual',
      });
    } catch (error) {
      throw requestError(this.name, method, this.shownUrl, error, signal.aborted);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 300 && response.status < 400) throw redirectError(this.name, method, this.shownUrl, response.status, this.props.url, response.headers.get('location'));
      throw statusError(this.name, method, this.shownUrl, response.status, response.headers.get('retry-after'));
    }
    return response;
  }

  /** The whole body up to `limit` bytes, under the request's signal: a body that stops coming is a timeout, a dropped one a connection error, a larger one a `validation` error. */
  private async body(response: Response, method: string, signal: AbortSignal, limit: number): Promise<Buffer> {
    try {
      return await readLimited(response, limit, () => `component ${this.name}: ${method} ${this.shownUrl}`);
    } catch (error) {
      if (error instanceof ConnectorError) throw error;
      throw requestError(this.name, method, this.shownUrl, error, signal.aborted);
    }
  }

  /** Reaches the host: any HTTP answer counts (a HEAD may be refused with 405, a redirect is an answer too and not followed), a network failure does not. */
  async preflight(signal: AbortSignal): Promise<void> {
    try {
      const response = await fetch(this.props.url, { method: 'HEAD', headers: { ...(this.props.headers ?? {}) }, signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]), redirect: 'manual' });
      await response.body?.cancel().catch(() => undefined);
    } catch (error) {
      throw requestError(this.name, 'HEAD', this.shownUrl, error, signal.aborted);
    }
  }

  async openWriter(settings: ConnectionSettings = {}): Promise<TargetWriter> {
    const method = (this.props.method ?? 'POST').toUpperCase();
    const request = settings as RequestSettings;
    const limit = maxResponseBytesOf(request.maxResponseBytes, this.props.maxResponseBytes);
    // fetch refuses a body on GET: every message would fail as a `connection` error and be retried in vain.
    if (method === 'GET') throw new ConnectorError(`component ${this.name}: a GET request cannot carry a message; as a target it needs method POST, PUT, PATCH or DELETE`, 'validation');
    return {
      write: async (message: FlowMessage, signal: AbortSignal): Promise<Delivery> => {
        const response = await this.request(method, message, signal, request);
        const reply = await this.body(response, method, signal, limit);
        return { position: `HTTP ${response.status}`, reply: reply.length > 0 ? { key: message.key, value: reply, headers: { ...message.headers } } : undefined };
      },
      close: async () => undefined,
    };
  }

  /** An api as a source: one GET, each item of `items` (default: the whole array body) is a message. */
  async openReader(settings: ConnectionSettings, signal: AbortSignal): Promise<SourceReader> {
    const method = (this.props.method ?? 'GET').toUpperCase();
    const response = await this.request(method, undefined, signal);
    const maxBytes = maxResponseBytesOf((settings as RequestSettings).maxResponseBytes, this.props.maxResponseBytes);
    const text = (await this.body(response, method, signal, maxBytes)).toString('utf8');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new ConnectorError(`component ${this.name}: ${this.shownUrl} did not answer JSON`, 'validation', { cause: error });
    }
    // jsonpath-rfc9535 takes any JSON value; `document` came from response.json().
    const items = selectItems(document as never, this.props.items ?? '$');
    const limit = ((settings.select ?? {}) as { limit?: number }).limit ?? items.length;
    const keyPath = this.props.key;
    // With `key`, an item's position is its key (a resume skips the keys committed, wherever they moved in the list); without, its index.
    const seen = new Map<string, number>();
    const positionOf = (item: (typeof items)[number], index: number): { key: string | null; position: string } => {
      if (!keyPath) return { key: null, position: `item ${index}` };
      const key = selectValue(item, keyPath) ?? null;
      const json = JSON.stringify(key);
      const occurrence = (seen.get(json) ?? 0) + 1;
      seen.set(json, occurrence);
      return { key: keyText(key), position: keyPosition(key, occurrence) };
    };
    return {
      async *messages(runSignal: AbortSignal): AsyncIterable<SourceMessage> {
        for (const [index, item] of items.slice(0, limit).entries()) {
          if (runSignal.aborted) return;
          yield { ...positionOf(item, index), value: Buffer.from(JSON.stringify(item)), headers: {} };
        }
      },
      commit: async () => undefined,
      release: async () => undefined,
      close: async () => undefined,
    };
  }

  /**
   * HTTP conventions: a client span named after the method, with the URL (credentials masked, no
   * query: it may carry a key) and the answer's status; an api source's items are processed under it.
   */
  spanShape(role: 'source' | 'target'): SpanShape {
    const method = (this.props.method ?? (role === 'source' ? 'GET' : 'POST')).toUpperCase();
    const url = this.shownUrl.replace(/[?#].*$/, '');
    const attributes = { 'http.request.method': method, 'url.full': url, ...serverAttributes(this.props.url, this.props.url.startsWith('https:') ? 443 : 80) };
    if (role === 'source') return { name: `process ${this.name}`, kind: 'consumer', attributes: { ...attributes, 'messaging.operation.type': 'process' } };
    return {
      name: method, kind: 'client', attributes,
      message: (m) => ({ 'http.request.body.size': m.value.length }),
      delivered: (d) => ({ 'http.response.status_code': Number(/^HTTP (\d+)/.exec(d.position)?.[1]) || undefined }),
    };
  }

  async close(): Promise<void> {}
}
