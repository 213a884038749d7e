/**
 * Preloaded into a target by `npm run bench -- --alloc` (`node --import`): V8's sampling heap
 * profiler, collected objects included, so the profile counts every byte a request allocates
 * (what the young generation's scavenges scale with), not only what is still alive. The first
 * SIGUSR2 starts sampling, the second writes the profile to bench/profiles/alloc/<pid>.heapprofile.
 * Not used outside the benchmark.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const dir = new URL('../profiles/alloc/', import.meta.url);
const session = new Session();
session.connect();
session.post('HeapProfiler.enable');
let sampling = false;
process.on('SIGUSR2', () => {
  if (!sampling) {
    sampling = true;
    session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    return;
  }
  sampling = false;
  session.post('HeapProfiler.stopSampling', (err, answer) => {
    if (err) throw err;
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL(`${process.pid}.heapprofile`, dir), JSON.stringify(answer.profile));
  });
});
