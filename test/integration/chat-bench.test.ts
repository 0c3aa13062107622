/** npm run bench:chat, small: serve, the simulator and the chat platforms' stand-ins, every command answered right (no time is asserted). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

it('answers a mix of common commands sent at once through Slack and Teams, each with the right content, beside a whole sync whose result is exact, and says what each costs in Moodle calls', () => {
  // 150 ms a call: calls made at once stay overlapping even when a loaded machine starts one a little late
  // (at 20 ms, the round trips counted from the simulator's times once read 4 under the full suite's load).
  const run = spawnSync(process.execPath, [path.resolve(__dirname, '..', '..', 'dist', 'bench', 'chat-bench.js'), '--commands', '12', '--teams', '10', '--latency', '150', '--calls', '--sync', '300'], { encoding: 'utf8', timeout: 170_000, killSignal: 'SIGTERM' });
  // On failure the bench says which command got which answer (its stderr, shown here).
  expect({ status: run.status, stderr: run.stderr.slice(-3000) }).toMatchObject({ status: 0 });
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  const doc = JSON.parse(lines[0]!) as {
    allAnswered: boolean;
    failures: unknown[];
    commands: number;
    teams: number;
    callsPerCommand: Record<string, number>;
    depthPerCommand: Record<string, number>;
    servePeakRssMB: number;
    firstMs: number;
    lastMs: number;
    sync: { students: number; exact: boolean; calls: number };
  };
  expect(doc.failures).toEqual([]);
  expect(doc.allAnswered).toBe(true);
  expect([doc.commands, doc.teams]).toEqual([12, 10]);
  // The whole sync ran alone and beside the load, and Moodle held exactly the university's cohorts both times.
  expect(doc.sync).toMatchObject({ students: 300, exact: true });
  expect(doc.sync.calls).toBeGreaterThan(0);
  // Each of the ten commands alone, then again: the second time asks Moodle at most as much (what is cached is not asked again).
  // The ten of the mix and four more that change a course (its ajouter's oui, modifier, retirer, its oui).
  const names = Object.keys(doc.callsPerCommand).filter((k) => !k.endsWith(' (again)'));
  expect(names).toHaveLength(14);
  expect(names).toEqual(expect.arrayContaining(['oui (ajouter)', 'oui (retirer)']));
  for (const n of names) expect(doc.callsPerCommand[`${n} (again)`]).toBeLessThanOrEqual(doc.callsPerCommand[n]!);
  // Sequential round trips: never more than the calls, and at most 3 (#33) for every command, the first
  // time (nothing cached: a teacher's courses asked in one call per platform, independent reads together)
  // as the second — help included, which looks the person up to say what they may do where (#26).
  for (const n of Object.keys(doc.callsPerCommand)) expect(doc.depthPerCommand[n]).toBeLessThanOrEqual(doc.callsPerCommand[n]!);
  for (const n of Object.keys(doc.callsPerCommand)) expect({ command: n, atMost3: doc.depthPerCommand[n]! <= 3 }).toEqual({ command: n, atMost3: true });
  // serve's own peak memory, read from /proc: a Node process.
  expect(doc.servePeakRssMB).toBeGreaterThan(20);
  expect(doc.lastMs).toBeGreaterThanOrEqual(doc.firstMs);
}, 180_000);
