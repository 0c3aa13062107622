/**
 * `npm run bench`: the product as an operator runs it — `cohortbot sync --json` as its own process,
 * the same binary and configuration path, reading the directory from an LDIF file (or a real slapd
 * with --ldap), against the simulator in its own process. It times the first sync and the no-op rerun
 * (wall clock of the processes), reads their peak memory, checks the exact final state on Moodle's
 * side, and sets them against the physical limits measured in the same run: a raw ldapsearch of the
 * same directory, and a bare replay of the same Moodle requests against a fresh simulator
 * (limitMs = replay + ldapsearch; overhead = firstSyncMs / limitMs). One JSON line on stdout;
 * correctness is asserted (exact state, a no-op without writes), time never is.
 *   --students N (40000) --etapes N (1500) --platforms N (2) --latency MS (5) [--ldap] [--profile DIR]
 *   [--cost moodle --workers W]: calls cost what they cost a real Moodle (simulator/cost.ts)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { syncAttributes } from '../src/directory/entry';
import { MoodleApi } from '../src/moodle/api';
import { MoodleClient } from '../src/moodle/client';
import { readRecording } from '../src/moodle/recorder';
import { syncSlots } from '../src/moodle/scheduler';
import { firstLine, spawnGroup, stopGroup } from '../test/helpers/process-group';
import { BASE_DN, READER_DN, READER_PW, Slapd, baseEntries, startSlapd } from '../test/helpers/slapd';
import { LDAP_BASE, LDAP_FILTER } from './ldap-times';
import { replay } from './replay';
import { LETTERS, UAI, University, differs, expectedCohorts, ldifOf, minWriteCalls, platformName, university } from './university';

const ROOT = path.resolve(__dirname, '..', '..');
const MAX_INPUT_VARS = 5000;
/** The product's default: the sync has four of these six slots at once (the rest is kept for chat). */
const CONCURRENCY = 6;

interface Options {
  students: number;
  etapes: number;
  platforms: number;
  latency: number;
  ldap?: boolean;
  profile?: string;
  /** The simulator's cost model (cost.ts) and its workers. */
  cost: 'none' | 'moodle';
  workers: number;
}

interface SimProcess {
  platforms: Array<{ name: string; url: string; token: string }>;
  stop: () => Promise<void>;
}

function seedFile(o: Options, u: University, dir: string): string {
  const platforms = Array.from({ length: o.platforms }, (_, p) => {
    const letter = LETTERS[p]!;
    const users = u.students
      .filter((s) => s.account && s.inscriptions.some((x) => x.year === 2026 && x.etape.startsWith(letter)))
      .map((s) => ({ username: s.key, firstname: 'B', lastname: s.key, email: `${s.key}@bench.example`, idnumber: s.etuId }));
    return {
      name: platformName(p),
      settings: { maxInputVars: MAX_INPUT_VARS, unenrolaction: 3 },
      categories: [{ name: 'Bench', idnumber: 'BENCH' }],
      courses: [{ shortname: 'BENCH-101', fullname: 'Bench course', category: 'BENCH' }],
      users: [{ username: 'svc', firstname: 'Service', lastname: 'Account', email: 'svc@bench.example' }, ...users],
      admins: ['svc'],
      tokens: [{ token: `bench-token-${letter}-000000000000`, user: 'svc' }],
    };
  });
  const file = path.join(dir, 'seed.json');
  fs.writeFileSync(file, JSON.stringify({ platforms }));
  return file;
}

async function startSimulatorProcess(seed: string, o: Options): Promise<SimProcess> {
  // Its own process group, stopped with its children, also when the bench fails or is interrupted.
  const child = spawnGroup(process.execPath, ['--max-old-space-size=8192', path.join(ROOT, 'bin', 'cohortbot.js'), 'simulator', '--seed', seed, '--latency', String(o.latency), '--cost', o.cost, '--workers', String(o.workers)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await firstLine(child, 'simulator');
  const ready = JSON.parse(line) as { platforms: Array<{ name: string; url: string; token: string }> };
  return { platforms: ready.platforms, stop: () => stopGroup(child) };
}

/** Every managed cohort on every platform holds exactly the students it must (read back through Moodle's own functions). */
async function exactState(sim: SimProcess, u: University): Promise<{ ok: boolean; detail?: string }> {
  for (const [p, platform] of sim.platforms.entries()) {
    const api = new MoodleApi(new MoodleClient({ platform: platform.name, url: platform.url, token: platform.token, maxInputVars: MAX_INPUT_VARS, timeoutMs: 600_000 }));
    const cohorts = (await api.getCohorts()).filter((c) => c.idnumber.startsWith('etp:'));
    const members = await api.getCohortMembers(cohorts.map((c) => c.id));
    const users = new Map((await api.getUsersByField('id', [...new Set([...members.values()].flat())])).map((x) => [x.id, x.username ?? '']));
    const got = new Map(cohorts.map((c) => [c.idnumber.slice(4), new Set((members.get(c.id) ?? []).map((id) => users.get(id) ?? `#${id}`))]));
    const problem = differs(got, expectedCohorts(u, p), platform.name);
    if (problem) return { ok: false, detail: problem };
  }
  return { ok: true };
}

interface SyncDoc {
  status: string;
  peakRssMB: number;
  platforms: Array<{ writeCalls: number; readCalls: number; membersAdded: number; errors: string[] }>;
}

/** `cohortbot sync --json` as its own process: its JSON report and the wall time of the whole process. */
function syncProcess(env: Record<string, string>, nodeFlags: string[] = []): { doc: SyncDoc; wallMs: number } {
  const t = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [...nodeFlags, path.join(ROOT, 'bin', 'cohortbot.js'), 'sync', '--json'], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] });
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
  return { doc: JSON.parse(out) as SyncDoc, wallMs: Math.round(wallMs) };
}

const ms = (t: bigint) => Math.round(Number(process.hrtime.bigint() - t) / 1e6);

/**
 * The directory's physical limit and ours, in the same run, each in a process of its own: ldapsearch
 * (OpenLDAP's C client) asking for the attributes the product asks for, best of three; the product's
 * reader and bare ldapts (ldap-times.ts).
 */
function ldapTimes(slapd: Slapd, students: number): { ldaptsReadMs: number; ldaptsRawReadMs: number; ldapsearchReadMs: number } {
  const ours = JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'ldap-times.js'), slapd.url, String(students)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as { ldaptsReadMs: number; ldaptsRawReadMs: number };
  let ldapsearchReadMs = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    execFileSync('ldapsearch', ['-x', '-LLL', '-H', slapd.url, '-D', READER_DN, '-w', READER_PW, '-b', LDAP_BASE, '-E', 'pr=500/noprompt', LDAP_FILTER, ...syncAttributes('uid')], { maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'inherit'] });
    ldapsearchReadMs = Math.min(ldapsearchReadMs, ms(t));
  }
  return { ...ours, ldapsearchReadMs };
}

function parseOptions(): Options {
  const cmd = new Command('bench')
    .option('--students <n>', 'students', '40000')
    .option('--etapes <n>', 'étapes', '1500')
    .option('--platforms <n>', 'platforms (1 to 26)', '2')
    .option('--latency <ms>', 'simulated latency per Moodle call', '5')
    .option('--ldap', 'the directory in a real slapd (else an LDIF file), and ldapts timed against ldapsearch')
    .option('--profile <dir>', 'write CPU profiles of the two sync processes (node --cpu-prof) there')
    .option('--cost <model>', "the simulator's cost model: none, or moodle (what calls cost a real Moodle, src/simulator/cost.ts)", 'none')
    .option('--workers <n>', 'calls the simulator serves at once under a cost model (PHP server workers)', '2')
    .parse(process.argv);
  const raw = cmd.opts<{ students: string; etapes: string; platforms: string; latency: string; ldap?: boolean; profile?: string; cost: string; workers: string }>();
  const o: Options = { students: Number(raw.students), etapes: Number(raw.etapes), platforms: Number(raw.platforms), latency: Number(raw.latency), ldap: raw.ldap, profile: raw.profile, cost: raw.cost === 'moodle' ? 'moodle' : 'none', workers: Number(raw.workers) };
  if (raw.cost !== 'none' && raw.cost !== 'moodle') {
    process.stderr.write('bench: --cost takes none or moodle\n');
    process.exit(2);
  }
  if (![o.students, o.etapes, o.platforms, o.latency].every((n) => Number.isInteger(n) && n >= 0) || o.platforms < 1 || o.platforms > 26 || o.etapes < 1) {
    process.stderr.write('bench: --students, --etapes, --platforms (1–26) and --latency take whole numbers\n');
    process.exit(2);
  }
  return o;
}

async function main(): Promise<void> {
  const o = parseOptions();
  // BENCH_NODE_FLAGS: development aid, more flags for the two sync processes (e.g. --max-semi-space-size=16).
  const flags = [...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(o.profile)}`] : []), ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-bench-'));
  const stops: Array<() => Promise<void>> = [];
  try {
    const u = university(o);
    const seed = seedFile(o, u, dir);
    const sim = await startSimulatorProcess(seed, o);
    stops.push(sim.stop);
    const recording = path.join(dir, 'requests.jsonl');
    const env: Record<string, string> = { MOODLE_PLATFORMS: sim.platforms.map((p) => p.name).join(','), MOODLE_CONCURRENCY: String(CONCURRENCY), ACADEMIC_YEAR: '2026', LOG_LEVEL: 'silent', SYNC_MAX_REMOVAL_PERCENT: '100', SYNC_MAX_REMOVALS: '10000000' };
    sim.platforms.forEach((p, i) => {
      const P = `MOODLE_${p.name.toUpperCase()}`;
      Object.assign(env, { [`${P}_URL`]: p.url, [`${P}_TOKEN`]: p.token, [`${P}_ETAPES`]: `${LETTERS[i]}*`, [`${P}_MAX_INPUT_VARS`]: String(MAX_INPUT_VARS) });
    });
    // The directory the product reads: an LDIF file, or the same entries in a real slapd (--ldap).
    const ldifFile = path.join(dir, 'directory.ldif');
    fs.writeFileSync(ldifFile, ldifOf(u));
    const slapd = o.ldap ? await startSlapd(`${baseEntries()}\n${fs.readFileSync(ldifFile, 'utf8')}`) : undefined;
    if (slapd) stops.push(slapd.stop);
    Object.assign(env, { DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`, DIRECTORY_UAI: UAI });
    if (slapd) Object.assign(env, { DIRECTORY_SOURCE: 'ldap', LDAP_URL: slapd.url, LDAP_BIND_DN: READER_DN, LDAP_BIND_PASSWORD: READER_PW, LDAP_BASE_DN: `ou=people,${BASE_DN}`, LDAP_TIMEOUT_MS: '600000', LDAP_TIME_LIMIT: '600' });
    else Object.assign(env, { DIRECTORY_SOURCE: 'file', DIRECTORY_FILE: ldifFile });
    if (process.env.BENCH_HOLD) {
      // Development aid: leave the directory and the simulator up for manual runs.
      fs.writeFileSync(process.env.BENCH_HOLD, `${Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);
      process.stderr.write(`bench: env in ${process.env.BENCH_HOLD}; Ctrl-C to stop\n`);
      await new Promise((r) => process.once('SIGINT', r));
    }

    const first = syncProcess({ ...env, COHORTBOT_RECORD_REQUESTS: recording }, flags);
    const noop = syncProcess(env, flags);
    const sum = (r: typeof first, k: 'writeCalls' | 'readCalls') => r.doc.platforms.reduce((n, p) => n + p[k], 0);
    const errors = first.doc.platforms.flatMap((p) => p.errors);
    if (errors.length > 0) throw new Error(`first sync errors: ${errors.slice(0, 3).join('; ')}`);
    // Correctness, checked on Moodle's side: every managed cohort holds exactly the students it must.
    const exact = await exactState(sim, u);
    if (!exact.ok) throw new Error(`the final state is not exact: ${exact.detail}`);
    // One "why" answer on the synced university, the CLI as a support person runs it.
    const someone = u.students.find((x) => x.account && x.inscriptions.some((y) => y.year === 2026 && y.etape.startsWith('A')))!;
    let t = process.hrtime.bigint();
    execFileSync(process.execPath, [path.join(ROOT, 'bin', 'cohortbot.js'), 'why', someone.key, `${sim.platforms[0]!.name}:BENCH-101`, '--json'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    const whyMs = ms(t);
    await sim.stop();
    stops.splice(stops.indexOf(sim.stop), 1);

    // The limits, measured after the syncs so that nothing competes with them.
    const directory = slapd ? ldapTimes(slapd, u.students.length) : undefined;
    t = process.hrtime.bigint();
    fs.readFileSync(ldifFile);
    const fileReadMs = ms(t);
    const fresh = await startSimulatorProcess(seed, o);
    stops.push(fresh.stop);
    const replayed = await replay(readRecording(recording), new Map(fresh.platforms.map((p) => [p.name, { url: p.url, token: p.token, concurrency: syncSlots(CONCURRENCY) }])));
    if (replayed.failures > 0) throw new Error(`the replay of the first sync's requests had ${replayed.failures} failed request(s)`);
    const limitMs = replayed.ms + (directory?.ldapsearchReadMs ?? fileReadMs);
    process.stdout.write(
      `${JSON.stringify({
        students: o.students,
        etapes: o.etapes,
        platforms: o.platforms,
        latencyMs: o.latency,
        cost: o.cost === 'none' ? 'none' : `${o.cost}, ${o.workers} workers`,
        directory: slapd ? 'slapd' : 'ldif',
        firstSyncMs: first.wallMs,
        noopSyncMs: noop.wallMs,
        writeCalls: sum(first, 'writeCalls'),
        readCalls: sum(first, 'readCalls'),
        minWriteCalls: minWriteCalls(u, o.platforms, MAX_INPUT_VARS),
        noopWrites: sum(noop, 'writeCalls'),
        noopReadCalls: sum(noop, 'readCalls'),
        membersAdded: first.doc.platforms.reduce((n, p) => n + p.membersAdded, 0),
        // The sync processes' own peak memory (their maxRSS), first sync and no-op rerun.
        peakRssMB: first.doc.peakRssMB,
        noopPeakRssMB: noop.doc.peakRssMB,
        ldaptsReadMs: directory?.ldaptsReadMs ?? null,
        ldaptsRawReadMs: directory?.ldaptsRawReadMs ?? null,
        ldapsearchReadMs: directory?.ldapsearchReadMs ?? null,
        ...(slapd ? {} : { fileReadMs }),
        replayMs: replayed.ms,
        replayedRequests: replayed.requests,
        limitMs,
        overhead: Math.round((first.wallMs / limitMs) * 100) / 100,
        noopOverLdapsearch: directory ? Math.round((noop.wallMs / directory.ldapsearchReadMs) * 100) / 100 : null,
        firstOverLdapsearch: directory ? Math.round((first.wallMs / directory.ldapsearchReadMs) * 100) / 100 : null,
        whyMs,
        exact: true,
      })}\n`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(1);
});
