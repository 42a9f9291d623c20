// A network namespace for a test's "other machine" (ip netns; root only): its own loopback, the services' ports bridged to the host's through unix sockets.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './cli-process';

/**
 * Inside the namespace 127.0.0.1 is its own: nothing of the host is reachable but the `ports` given,
 * each forwarded (socat) over a unix socket to the same port on the host's 127.0.0.1. Kafka's
 * advertised 127.0.0.1 listener works unchanged.
 */
export class NetworkNamespace {
  private readonly bridges: ChildProcess[] = [];

  private constructor(readonly name: string, private readonly sockets: string[]) {}

  static async create(name: string, ports: readonly number[]): Promise<NetworkNamespace> {
    execFileSync('ip', ['netns', 'add', name]);
    execFileSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
    const ns = new NetworkNamespace(name, ports.map((port) => join(tmpdir(), `${name}-${port}.sock`)));
    for (const [i, port] of ports.entries()) {
      const socket = ns.sockets[i]!;
      rmSync(socket, { force: true });
      ns.bridges.push(spawn('socat', [`UNIX-LISTEN:${socket},fork`, `TCP:127.0.0.1:${port}`], { stdio: 'ignore' }));
      await until(`the bridge of port ${port}`, () => (existsSync(socket) ? true : undefined), 5000);
      ns.bridges.push(spawn('ip', ['netns', 'exec', name, 'socat', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `UNIX-CONNECT:${socket}`], { stdio: 'ignore' }));
    }
    return ns;
  }

  /** The command line that runs `argv` in the namespace, in a UTS namespace of its own named `host`. */
  command(host: string, argv: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.name, 'unshare', '--uts', 'sh', '-c', `hostname ${host} && exec "$0" "$@"`, ...argv];
  }

  dispose(): void {
    for (const bridge of this.bridges) bridge.kill('SIGKILL');
    for (const socket of this.sockets) rmSync(socket, { force: true });
    try {
      execFileSync('ip', ['netns', 'del', this.name]);
    } catch {
      // Already gone.
    }
  }
}
