/**
 * npm run bench:moodle on a small university (300 students) against the real Moodle target, so the
 * race cannot rot: one JSON line, every step of both tools exact by SQL, the figures present. It runs
 * on Moodle 5.1.3 with the plugin installed fresh (the two-target suite upgrades it from 1.0.0 on both
 * versions; the PHPUnit run installs it fresh on 4.5.6), and cohortbot also races without the plugin's
 * sync functions. Time is never asserted. `npm run test:fast` skips it with the rest of the real-Moodle
 * target, and says so.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const real = !process.env.COHORTBOT_SKIP_REAL_MOODLE;
if (!real) process.stderr.write('test:fast — bench:moodle on the real Moodle is skipped\n');

(real ? it : it.skip)('races cohortbot and tool_cohortdatabase on one real Moodle, from one snapshot, every step exact', () => {
  const run = spawnSync(process.execPath, [path.resolve(__dirname, '..', '..', 'dist', 'bench', 'moodle-bench.js'), '--moodle', '5.1.3', '--without-plugin', '--students', '300', '--etapes', '20', '--courses', '2'], { encoding: 'utf8', timeout: 900_000 });
  expect(run.stderr).not.toMatch(/NOT EXACT/);
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  type Racer = { ms: number | null; exact: boolean; calls: number; peakRssMB: number };
  const doc = JSON.parse(lines[0]!) as { moodle: string; students: number; etapes: number; steps: Array<{ step: string; cohortbot: Racer; withoutPlugin?: Racer; peer?: { ms: number | null; exact: boolean }; ratio?: number | null }> };
  expect(doc).toMatchObject({ moodle: '5.1.3', students: 300, etapes: 20 });
  expect(doc.steps.map((s) => s.step)).toEqual(['first', 'noop', 'removal', 'final-noop']);
  for (const s of doc.steps) {
    expect(s.cohortbot).toMatchObject({ exact: true });
    expect(typeof s.cohortbot.ms).toBe('number');
    expect(s.cohortbot.calls).toBeGreaterThan(0);
    expect(s.cohortbot.peakRssMB).toBeGreaterThan(20);
    expect(s.peer).toMatchObject({ exact: true });
    expect(s.withoutPlugin).toMatchObject({ exact: true });
    expect(typeof s.withoutPlugin!.ms).toBe('number');
    expect(typeof s.ratio).toBe('number');
  }
  // A no-op reads, never writes: its calls are the reads of the first sync's plan, fewer than the first sync's.
  expect(doc.steps[1]!.cohortbot.calls).toBeLessThan(doc.steps[0]!.cohortbot.calls);
}, 900_000);
