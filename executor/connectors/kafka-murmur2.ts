// The murmur2 hash by which kafkajs's default partitioner places a keyed record (Java's client's), from the murmurhash package.
import murmurhash from 'murmurhash';

/** Kafka's seed for murmur2 (Utils.murmur2 in Java's client). */
const SEED = 0x9747b28c;

/**
 * esbuild.mjs puts this in place of kafkajs's `producer/partitioners/default/murmur2.js` in the
 * executor bundle: kafkajs's does each 32-bit multiply on its BigInt-backed Long (~1 KB allocated
 * and some 2 µs a keyed record). Same hash, as kafkajs returns it (a signed 32-bit integer), of the
 * key's bytes (a text's UTF-8).
 */
function murmur2(key: unknown): number {
  const data = Buffer.isBuffer(key) ? key : Buffer.from(String(key));
  return murmurhash.v2(data, SEED) | 0;
}

export = murmur2;
