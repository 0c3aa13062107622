/**
 * `npm run bench:moodle`: the race on a real Moodle, 4.5.6 or 5.1.3 (`--moodle`; installed as the tests
 * install it, PHP's server with several workers as php-fpm would have), cohortbot against the tool an administrator
 * would install instead, Catalyst's tool_cohortdatabase (../shared/peers/), on the same site from one
 * restored snapshot: the same accounts, the same (student → étape) pairs — an LDIF directory for
 * cohortbot, an external table for the peer — and a few courses that sync some of the cohorts.
 * Four steps each: first sync, no-op rerun, 5 % of students leave, final no-op. After every step the
 * state is checked exactly by SQL (cohorts, members, the courses' cohort enrolments); a step that is
 * not exact is reported, not timed; so is a no-op that writes. cohortbot runs the four steps twice from the
 * same snapshot: with local_cohortbot, then with the plugin's sync functions taken out of its service
 * (core web services only, as on a site without the plugin; `--plugin-only` skips it). One JSON line on
 * stdout, and the race as tables on stderr; time is never asserted.
 *   --moodle V (4.5.6) --students N (10000) --etapes E (400) --workers W (2) --courses C (6) [--no-peer] [--plugin-only]
 * Every server it starts (PHP's server and its workers, PostgreSQL) is stopped, also on failure and Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { Client } from 'pg';
import { postgresBinDir } from '../test/helpers/apt';
import { MOODLE_VERSIONS, MoodleVersion, RealMoodle, startRealMoodle } from '../test/helpers/moodle';
import { SYNC_READS } from '../src/sync/actual';
import { PLUGIN_WRITES } from '../src/sync/member-writer';
import { differs, expectedCohorts, ldifOf, university, University } from './university';

const ROOT = path.resolve(__dirname, '..', '..');
const PEER_ARCHIVE = path.resolve(ROOT, '..', 'shared', 'peers', 'tool_cohortdatabase.tar.xz');

type Step = 'first' | 'noop' | 'removal' | 'final-noop';
const STEPS: Step[] = ['first', 'noop', 'removal', 'final-noop'];

interface Options {
  moodle: MoodleVersion;
  students: number;
  etapes: number;
  workers: number;
  courses: number;
  peer: boolean;
  withoutPlugin: boolean;
}

interface StepResult {
  ms: number | null;
  exact: boolean;
  detail?: string;
}

function options(): Options {
  const raw = new Command('bench:moodle')
    .option('--moodle <version>', `the Moodle release: ${MOODLE_VERSIONS.join(' or ')}`, '4.5.6')
    .option('--students <n>', 'students (accounts on the site)', '10000')
    .option('--etapes <n>', 'étapes (cohorts)', '400')
    .option('--workers <n>', 'PHP server workers (PHP_CLI_SERVER_WORKERS)', '2')
    .option('--courses <n>', 'courses that sync one managed cohort each', '6')
    .option('--no-peer', 'cohortbot only (the peer needs minutes at 40,000 students)')
    .option('--without-plugin', "race cohortbot on core web services alone too (the default; kept for older scripts)")
    .option('--plugin-only', 'skip the race on core web services alone')
    .parse(process.argv)
    .opts<{ moodle: string; students: string; etapes: string; workers: string; courses: string; peer: boolean; withoutPlugin?: boolean; pluginOnly?: boolean }>();
  if (!(MOODLE_VERSIONS as readonly string[]).includes(raw.moodle)) {
    process.stderr.write(`bench:moodle: --moodle ${raw.moodle}: expected ${MOODLE_VERSIONS.join(' or ')}\n`);
    process.exit(2);
  }
  const o = { moodle: raw.moodle as MoodleVersion, students: Number(raw.students), etapes: Number(raw.etapes), workers: Number(raw.workers), courses: Number(raw.courses), peer: raw.peer, withoutPlugin: raw.pluginOnly !== true };
  if (![o.students, o.etapes, o.workers, o.courses].every((n) => Number.isInteger(n) && n >= 0) || o.etapes < 1 || o.workers < 1 || o.courses > o.etapes) {
    process.stderr.write('bench:moodle: --students, --etapes (≥ 1), --workers (≥ 1) and --courses (≤ étapes) take whole numbers\n');
    process.exit(2);
  }
  return o;
}

/** Who leaves in the removal step: every 20th student, 5 %. */
const leaversOf = (u: University) => new Set(u.students.filter((_, i) => i % 20 === 7).map((s) => s.key));

/** The state of the site, by SQL: managed cohorts (étape → usernames), duplicate idnumbers, and each bench course's active cohort enrolments. */
async function siteState(db: Client): Promise<{ cohorts: Map<string, Set<string>>; duplicates: string[]; courses: Array<{ course: string; cohort: string; enrolled: Set<string> }> }> {
  const cohorts = new Map<string, Set<string>>();
  for (const r of (await db.query<{ idnumber: string; username: string | null }>("SELECT c.idnumber, u.username FROM mdl_cohort c LEFT JOIN mdl_cohort_members cm ON cm.cohortid = c.id LEFT JOIN mdl_user u ON u.id = cm.userid WHERE c.idnumber LIKE 'etp:%'")).rows) {
    const set = cohorts.get(r.idnumber.slice(4)) ?? cohorts.set(r.idnumber.slice(4), new Set()).get(r.idnumber.slice(4))!;
    if (r.username) set.add(r.username);
  }
  const duplicates = (await db.query<{ idnumber: string }>("SELECT idnumber FROM mdl_cohort WHERE idnumber LIKE 'etp:%' GROUP BY idnumber HAVING COUNT(*) > 1")).rows.map((r) => r.idnumber);
  const courses = new Map<string, { course: string; cohort: string; enrolled: Set<string> }>();
  const rows = await db.query<{ shortname: string; idnumber: string; username: string | null }>(
    "SELECT co.shortname, c.idnumber, u.username FROM mdl_enrol e JOIN mdl_course co ON co.id = e.courseid JOIN mdl_cohort c ON c.id = e.customint1 LEFT JOIN mdl_user_enrolments ue ON ue.enrolid = e.id AND ue.status = 0 LEFT JOIN mdl_user u ON u.id = ue.userid WHERE e.enrol = 'cohort' AND co.shortname LIKE 'BENCH-%'",
  );
  for (const r of rows.rows) {
    const c = courses.get(r.shortname) ?? courses.set(r.shortname, { course: r.shortname, cohort: r.idnumber.slice(4), enrolled: new Set() }).get(r.shortname)!;
    if (r.username) c.enrolled.add(r.username);
  }
  return { cohorts, duplicates, courses: [...courses.values()] };
}

/** Exactly what the directory says: every managed cohort, no duplicate, and each course enrols exactly its cohort's members. */
async function check(db: Client, u: University, leaving: Set<string>, courses: number): Promise<{ exact: boolean; detail?: string }> {
  const state = await siteState(db);
  const want = expectedCohorts(u, 0, leaving);
  const problem =
    (state.duplicates.length > 0 ? `duplicate cohorts ${state.duplicates.slice(0, 3).join(', ')}` : undefined) ??
    differs(state.cohorts, want, 'moodle') ??
    (state.courses.length !== courses ? `${state.courses.length} bench courses sync a cohort, ${courses} expected` : undefined) ??
    state.courses.map((c) => differs(new Map([[c.cohort, c.enrolled]]), new Map([[c.cohort, want.get(c.cohort) ?? new Set()]]), `course ${c.course}`)).find((x) => x !== undefined);
  return problem ? { exact: false, detail: problem } : { exact: true };
}

interface SyncDoc {
  status: string;
  peakRssMB: number;
  platforms: Array<{ writeCalls: number; readCalls: number; errors: string[] }>;
}

/** One `cohortbot sync --json` as its own process. */
function cohortbotSync(env: Record<string, string>): { ms: number; doc?: SyncDoc; error?: string } {
  const t = process.hrtime.bigint();
  try {
    const out = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'cohortbot.js'), 'sync', '--json'], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
    return { ms: Math.round(Number(process.hrtime.bigint() - t) / 1e6), doc: JSON.parse(out) as SyncDoc };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ms: Math.round(Number(process.hrtime.bigint() - t) / 1e6), error: (e.stderr || e.stdout || e.message).slice(-800) };
  }
}

/** PHP time per function on the site during one step (the server's own log), to set beside ours. */
function phpCalls(log: string): Record<string, { calls: number; ms: number }> {
  const out: Record<string, { calls: number; ms: number }> = {};
  if (!fs.existsSync(log)) return out;
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    const [fn, ms] = line.split(' ');
    if (!fn || ms === undefined) continue;
    const x = (out[fn] ??= { calls: 0, ms: 0 });
    x.calls++;
    x.ms += Number(ms);
  }
  fs.rmSync(log, { force: true });
  return out;
}

async function runCohortbot(m: RealMoodle, u: University, dir: string, db: Client, o: Options, log: string, label = 'cohortbot'): Promise<Array<StepResult & { calls?: number; peakRssMB?: number; php?: Record<string, { calls: number; ms: number }> }>> {
  const ldif = path.join(dir, 'directory.ldif');
  const env: Record<string, string> = {
    MOODLE_PLATFORMS: 'moodle',
    MOODLE_MOODLE_URL: m.url,
    MOODLE_MOODLE_TOKEN: m.token,
    MOODLE_MOODLE_MAX_INPUT_VARS: '5000',
    DIRECTORY_SOURCE: 'file',
    DIRECTORY_FILE: ldif,
    DIRECTORY_UAI: '0141408E',
    DATABASE_URL: `sqlite:${path.join(dir, `${label}.db`)}`,
    ACADEMIC_YEAR: '2026',
    SYNC_MAX_REMOVAL_PERCENT: '100',
    SYNC_MAX_REMOVALS: '10000000',
    LOG_LEVEL: 'silent',
  };
  const out = [];
  const leaving = leaversOf(u);
  if (process.env.BENCH_HOLD) {
    // Development aid: a first sync, then the site and the environment stay up for manual runs.
    fs.writeFileSync(ldif, ldifOf(u));
    cohortbotSync(env);
    fs.writeFileSync(process.env.BENCH_HOLD, `${Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
    process.stderr.write(`bench:moodle: env in ${process.env.BENCH_HOLD}; Ctrl-C to stop\n`);
    await new Promise((r) => process.once('SIGINT', r));
  }
  for (const step of STEPS) {
    const gone = step === 'removal' || step === 'final-noop' ? leaving : new Set<string>();
    fs.writeFileSync(ldif, ldifOf(u, gone));
    phpCalls(log);
    const r = cohortbotSync(env);
    const php = phpCalls(log);
    const errors = r.doc?.platforms.flatMap((p) => p.errors) ?? [];
    const writes = r.doc?.platforms.reduce((n, p) => n + p.writeCalls, 0) ?? 0;
    const exact =
      r.error || errors.length > 0
        ? { exact: false, detail: r.error ?? errors.slice(0, 2).join('; ') }
        : (step === 'noop' || step === 'final-noop') && writes > 0
          ? { exact: false, detail: `${writes} write call(s) in a no-op` }
          : await check(db, u, gone, o.courses);
    const calls = r.doc ? r.doc.platforms.reduce((n, p) => n + p.writeCalls + p.readCalls, 0) : undefined;
    out.push({ ms: exact.exact ? r.ms : null, ...exact, calls, peakRssMB: r.doc?.peakRssMB, php });
    process.stderr.write(`bench:moodle: ${label} ${step}: ${r.ms} ms, ${exact.exact ? 'exact' : `NOT EXACT (${exact.detail})`}\n`);
  }
  return out;
}

/** The peer installed from ../shared/peers/ as its README's recipe says, reading an external table of the same cluster. */
async function installPeer(m: RealMoodle, u: University, db: Client): Promise<void> {
  const archive = process.env.PEER_ARCHIVE ?? PEER_ARCHIVE;
  if (!fs.existsSync(archive)) throw new Error(`the peer is not at ${archive}: set PEER_ARCHIVE or run with --no-peer`);
  execFileSync('tar', ['-xJf', archive, '-C', path.join(m.webroot, 'admin', 'tool')]);
  m.php(['admin/cli/upgrade.php', '--non-interactive']);
  await db.query('DROP DATABASE IF EXISTS extdir');
  await db.query('CREATE DATABASE extdir');
  const ext = new Client({ host: '127.0.0.1', port: m.pgPort, user: 'postgres', database: 'extdir' });
  await ext.connect();
  try {
    await ext.query('CREATE TABLE etu_etape (username text, etape_code text, etape_name text)');
    const rows = u.students.flatMap((s) => [...new Set(s.inscriptions.filter((i) => i.year === 2026).map((i) => i.etape))].map((e) => [s.key, `etp:${e}`, e]));
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      await ext.query(`INSERT INTO etu_etape VALUES ${chunk.map((_, k) => `($${3 * k + 1}, $${3 * k + 2}, $${3 * k + 3})`).join(',')}`, chunk.flat());
    }
    await ext.query('CREATE INDEX etu_etape_code ON etu_etape (etape_code)');
  } finally {
    await ext.end();
  }
  const settings: Record<string, string> = {
    dbtype: 'postgres', dbhost: `127.0.0.1:${m.pgPort}`, dbuser: 'postgres', dbpass: '', dbname: 'extdir', remotecohorttable: 'etu_etape', remoteuserfield: 'username',
    remotecohortidfield: 'etape_code', remotecohortnamefield: 'etape_name', localuserfield: 'username', removeaction: '0', maxremovals: '0', minrecords: '10', createusers: '0', emptycohortremoval: '0',
  };
  for (const [name, value] of Object.entries(settings)) m.php(['admin/cli/cfg.php', '--component=tool_cohortdatabase', `--name=${name}`, `--set=${value}`]);
  analyze(m);
}

async function runPeer(m: RealMoodle, u: University, db: Client, o: Options): Promise<StepResult[]> {
  const out: StepResult[] = [];
  const leaving = leaversOf(u);
  for (const step of STEPS) {
    if (step === 'removal') {
      const ext = new Client({ host: '127.0.0.1', port: m.pgPort, user: 'postgres', database: 'extdir' });
      await ext.connect();
      await ext.query('DELETE FROM etu_etape WHERE username = ANY($1)', [[...leaving]]);
      await ext.end();
    }
    const t = process.hrtime.bigint();
    let error: string | undefined;
    try {
      m.php([path.relative(m.root, path.join(m.webroot, 'admin', 'tool', 'cohortdatabase', 'cli', 'sync.php'))], 3_600_000);
    } catch (err) {
      error = (err as Error).message.slice(-500);
    }
    const ms = Math.round(Number(process.hrtime.bigint() - t) / 1e6);
    const exact = error ? { exact: false, detail: error } : await check(db, u, step === 'removal' || step === 'final-noop' ? leaving : new Set(), o.courses);
    out.push({ ms: exact.exact ? ms : null, ...exact });
    process.stderr.write(`bench:moodle: peer ${step}: ${ms} ms, ${exact.exact ? 'exact' : `NOT EXACT (${exact.detail})`}\n`);
  }
  return out;
}

/** The race as the issue's tables: one row per step, one column per contender (— not run, ✗ not exact). */
function raceTables(o: Options, rows: Array<{ step: Step; plugin: number | null; core?: number | null; peer?: number | null }>): string {
  const label: Record<Step, string> = { first: 'first sync', noop: 'no-op', removal: '5 % leave', 'final-noop': 'final no-op' };
  const cell = (ms: number | null | undefined) => (ms === undefined ? '—' : ms === null ? '✗' : `${(ms / 1000).toFixed(2)} s`);
  const head = `| ${o.students.toLocaleString('en')} students / ${o.etapes.toLocaleString('en')} étapes, Moodle ${o.moodle} | cohortbot + local_cohortbot | cohortbot, core functions only | tool_cohortdatabase |`;
  const lines = [head, '|---|---|---|---|', ...rows.map((r) => `| ${label[r.step]} | ${cell(r.plugin)} | ${cell(r.core)} | ${cell(r.peer)} |`)];
  return `${lines.join('\n')}\n`;
}

/** Fresh planner statistics before timing, as the peer's recipe says: every database, the external table's included. */
function analyze(m: RealMoodle): void {
  execFileSync(path.join(postgresBinDir()!, 'vacuumdb'), ['-h', '127.0.0.1', '-p', String(m.pgPort), '-U', 'postgres', '--analyze-only', '--all'], { stdio: 'ignore' });
}

async function main(): Promise<void> {
  const o = options();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-bench-moodle-'));
  fs.copyFileSync(path.join(ROOT, 'bench', 'moodle', 'timing.php'), path.join(dir, 'timing.php'));
  const log = path.join(dir, 'php-calls.log');
  const m = await startRealMoodle({ version: o.moodle, plugin: 'fresh', workers: o.workers, ini: [`auto_prepend_file=${path.join(dir, 'timing.php')}`] });
  const db = new Client({ host: '127.0.0.1', port: m.pgPort, user: 'postgres', database: 'cohortbot' });
  try {
    await db.connect();
    const u = university({ students: o.students, etapes: o.etapes, platforms: 1 });
    // Accounts for everyone but the pending ones; a few managed cohorts already synced by courses.
    const spec = path.join(dir, 'fixture.json');
    const synced = Array.from({ length: o.courses }, (_, i) => u.etapes[Math.floor((i * u.etapes.length) / Math.max(1, o.courses))]!);
    fs.writeFileSync(spec, JSON.stringify({ users: u.students.filter((s) => s.account).map((s) => [s.key, s.etuId, `${s.key}@bench.example`]), cohorts: synced.map((e) => [`etp:${e}`, e]), courses: synced.map((e, i) => [`BENCH-${i + 1}`, `etp:${e}`]) }));
    fs.copyFileSync(path.join(ROOT, 'bench', 'moodle', 'fixture.php'), path.join(m.root, 'cohortbot-bench-fixture.php'));
    const t = Date.now();
    const fixture = JSON.parse(m.php(['cohortbot-bench-fixture.php', spec], 3_600_000).trim().split('\n').pop()!) as { usersSeconds: number };
    analyze(m);
    process.stderr.write(`bench:moodle: ${o.students} students (${u.students.filter((s) => s.account).length} accounts, ${fixture.usersSeconds} s), ${o.etapes} étapes, ${o.courses} courses; set up in ${Date.now() - t} ms\n`);
    const restore = await m.snapshot();
    const ours = await runCohortbot(m, u, dir, db, o, log);
    let core: Awaited<ReturnType<typeof runCohortbot>> | undefined;
    if (o.withoutPlugin) {
      await restore();
      // The site as it is without local_cohortbot's sync functions: cohortbot reads and writes through core.
      await db.query("DELETE FROM mdl_external_services_functions WHERE functionname = ANY($1)", [[...SYNC_READS, ...PLUGIN_WRITES]]);
      m.php(['admin/cli/purge_caches.php']);
      core = await runCohortbot(m, u, dir, db, o, log, 'cohortbot-core');
    }
    let peer: StepResult[] | undefined;
    if (o.peer) {
      await restore();
      await installPeer(m, u, db);
      peer = await runPeer(m, u, db, o);
    }
    const steps = STEPS.map((step, i) => {
      const c = ours[i]!;
      const p = peer?.[i];
      const k = core?.[i];
      return {
        step,
        cohortbot: { ms: c.ms, exact: c.exact, calls: c.calls, peakRssMB: c.peakRssMB, ...(c.detail ? { detail: c.detail } : {}), phpMs: Object.values(c.php ?? {}).reduce((n, x) => n + x.ms, 0), php: c.php },
        ...(k ? { withoutPlugin: { ms: k.ms, exact: k.exact, calls: k.calls, peakRssMB: k.peakRssMB, ...(k.detail ? { detail: k.detail } : {}), phpMs: Object.values(k.php ?? {}).reduce((n, x) => n + x.ms, 0), php: k.php } } : {}),
        ...(p ? { peer: { ms: p.ms, exact: p.exact, ...(p.detail ? { detail: p.detail } : {}) }, ratio: c.ms !== null && p.ms !== null && p.ms > 0 ? Math.round((c.ms / p.ms) * 100) / 100 : null } : {}),
      };
    });
    process.stdout.write(`${JSON.stringify({ moodle: o.moodle, students: o.students, etapes: o.etapes, workers: o.workers, courses: o.courses, machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`, steps })}\n`);
    process.stderr.write(raceTables(o, steps.map((s) => ({ step: s.step, plugin: s.cohortbot.ms, core: s.withoutPlugin?.ms, peer: s.peer?.ms }))));
  } finally {
    await db.end().catch(() => undefined);
    await m.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: Error) => {
  process.stderr.write(`bench:moodle: ${err.message}\n`);
  process.exit(1);
});
