/** npm run bench on a small university: it prints one JSON line with every figure (no time is asserted). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

it('runs the product as its own process and prints one JSON line: exact final state, the minimum of write calls, a no-op without any', () => {
  const run = spawnSync(process.execPath, [path.resolve(__dirname, '..', '..', 'dist', 'bench', 'bench.js'), '--students', '400', '--etapes', '20', '--latency', '0'], { encoding: 'utf8', timeout: 120_000 });
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  const doc = JSON.parse(lines[0]!) as Record<string, number | null>;
  for (const k of ['students', 'etapes', 'platforms', 'latencyMs', 'firstSyncMs', 'noopSyncMs', 'writeCalls', 'readCalls', 'minWriteCalls', 'noopWrites', 'peakRssMB', 'noopPeakRssMB', 'ldaptsReadMs', 'ldapsearchReadMs', 'whyMs', 'limitMs', 'overhead', 'replayMs']) expect(doc).toHaveProperty(k);
  // The limit: a bare replay of every request the first sync made (all answered) plus the raw read of the directory file.
  expect(doc.replayedRequests).toBe(Number(doc.writeCalls) + Number(doc.readCalls));
  expect(doc.limitMs).toBe(Number(doc.replayMs) + Number(doc.fileReadMs));
  expect(doc.overhead).toBeCloseTo(Number(doc.firstSyncMs) / Number(doc.limitMs), 1);
  // The sync process's own memory, not the bench's: a Node process, well under a gigabyte here.
  expect(doc.peakRssMB).toBeGreaterThan(20);
  expect(doc.peakRssMB).toBeLessThan(1000);
  expect(doc.exact).toBe(true);
  expect(doc.students).toBe(400);
  expect(doc.noopWrites).toBe(0);
  expect(doc.writeCalls).toBe(doc.minWriteCalls);
  expect(typeof doc.whyMs).toBe('number');
});
