// What a run is started with: its command with the actor and runs location, its log header, connections and the child's env.
import { strict as assert } from 'node:assert';
import { parseFlow } from '../../../flow/parse';
import { executorEnv, planRun, type RunPlanInputs } from '../../../client/runs/run-plan';

const FLOW = `flow: orders
components:
  K: { type: kafka, brokers: [localhost:9092], topic: orders }
  Q: { type: mq, url: amqp://localhost, queue: orders }
connections:
  - { from: K, to: Q }
  - { from: K, to: Q }
`;

const inputs = (overrides: Partial<RunPlanInputs> = {}): RunPlanInputs => ({
  command: { type: 'run', flowFile: '/work/orders.flow.yaml', options: { mode: 'warn' } },
  title: 'Run',
  mode: 'warn',
  flowPath: '/work/orders.flow.yaml',
  model: parseFlow(FLOW).model,
  actor: { kind: 'github', login: 'alice', id: '42' },
  runsDir: '/work/.flowtracer/runs',
  runsStore: '',
  ...overrides,
});

describe('run plan', () => {
  it('adds the actor and the runs folder to a run, with the header and connections as written', () => {
    assert.deepEqual(planRun(inputs()), {
      command: { type: 'run', flowFile: '/work/orders.flow.yaml', options: { mode: 'warn', runsDir: '/work/.flowtracer/runs', actor: 'github:alice/42' } },
      header: { flow: 'orders', mode: 'warn', actor: 'alice (GitHub)', command: 'Run' },
      connections: [{ index: 0, from: 'K', to: 'Q' }, { index: 1, from: 'K', to: 'Q' }],
    });
  });

  it('adds the actor and the runs store to a retry and a resume, and leaves out an unset runs folder', () => {
    const local = { kind: 'local', name: 'bob' } as const;
    const retry = planRun(inputs({ command: { type: 'retry', runId: 'r1', component: 'Q' }, title: 'Retry', actor: local, runsDir: undefined, runsStore: 'postgres://pg/runs' }));
    assert.deepEqual(retry.command, { type: 'retry', runId: 'r1', component: 'Q', runsStore: 'postgres://pg/runs', actor: 'local:bob' });
    assert.deepEqual(retry.header, { flow: 'orders', mode: 'warn', actor: 'bob (local, not signed in)', command: 'Retry' });
    const resume = planRun(inputs({ command: { type: 'resume', runId: 'r1' }, actor: local }));
    assert.deepEqual(resume.command, { type: 'resume', runId: 'r1', runsDir: '/work/.flowtracer/runs', actor: 'local:bob' });
  });

  it('names a flow without `flow:` after its file', () => {
    const plan = planRun(inputs({ model: parseFlow(FLOW.replace('flow: orders\n', '')).model }));
    assert.equal(plan.header.flow, 'orders.flow.yaml');
  });

  it('gives the child the host env with the settings it reads', () => {
    const env = executorEnv({ PATH: '/bin', KAFKA_BROKERS: 'k:9092' }, { messagesInFlight: 64, maxResponseBytes: 1000, tracing: { exporter: 'zipkin' } });
    assert.deepEqual(env, { PATH: '/bin', KAFKA_BROKERS: 'k:9092', FLOWTRACER_MAX_IN_FLIGHT: '64', FLOWTRACER_HTTP_MAX_RESPONSE_BYTES: '1000', OTEL_TRACES_EXPORTER: 'zipkin' });
  });
});
