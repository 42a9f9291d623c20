// Preloaded into an executor (node --require) by bench:compare --allocations: V8's sampling heap profiler, collected objects included, from start to exit.
// Writes the bytes allocated in all to FLOWTRACER_BENCH_ALLOCATIONS (a file), with the functions that allocated most, so that builds compare by a figure the machine's speed does not move.
'use strict';
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');

const out = process.env.FLOWTRACER_BENCH_ALLOCATIONS;
if (out) {
  const session = new inspector.Session();
  session.connect();
  session.post('HeapProfiler.enable');
  // One sample every 1 KiB allocated: about 1% of spread between runs of the same build.
  session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  process.on('exit', () => {
    // An in-thread session answers synchronously, so this runs before the process ends.
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error) return;
      const byFunction = new Map();
      let total = 0;
      const walk = (node) => {
        if (node.selfSize) {
          const frame = node.callFrame;
          const where = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() || '(native)'}:${frame.lineNumber + 1}`;
          total += node.selfSize;
          byFunction.set(where, (byFunction.get(where) ?? 0) + node.selfSize);
        }
        for (const child of node.children) walk(child);
      };
      walk(result.profile.head);
      const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([where, bytes]) => ({ where, bytes }));
      writeFileSync(out, JSON.stringify({ total, top }));
    });
  });
}
