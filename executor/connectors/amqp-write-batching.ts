// amqplib's Mux writes every queued frame with a socket.write of its own: a syscall (and, with Nagle off, a packet) per publish. Corked for one pass of its loop, they leave in one writev.
import type { ChannelModel } from 'amqplib';

/** What this needs of amqplib's internals (`Connection.muxer`, lib/mux.js); absent in another version, writes stay as they are. */
interface Muxer {
  _readIncoming(): void;
  readonly out: { cork(): void; uncork(): void };
}

/**
 * Corks the connection's socket while amqplib's Mux moves the frames its channels queued to it
 * (all of them, or until the socket's buffer is full), and uncorks it when the pass ends: Node
 * writes them in one `writev`. Nothing waits for a timer: the pass is synchronous. Returns whether
 * this amqplib has the loop to batch (tests check it does); without it, frames go out one by one
 * as before, which is slower, never wrong.
 */
export function batchSocketWrites(model: ChannelModel): boolean {
  const muxer = (model.connection as unknown as { muxer?: Partial<Muxer> }).muxer;
  if (!muxer || typeof muxer._readIncoming !== 'function' || typeof muxer.out?.cork !== 'function' || typeof muxer.out.uncork !== 'function') return false;
  const readIncoming = muxer._readIncoming;
  const out = muxer.out;
  muxer._readIncoming = function batchedReadIncoming(this: Muxer): void {
    out.cork();
    try {
      readIncoming.call(this);
    } finally {
      out.uncork();
    }
  };
  return true;
}
