/**
 * `npm run bench`: the product as an operator runs it — `cohortbot sync --json` as its own process,
 * the same binary and configuration path, reading the directory from an LDIF file (or a real slapd
 * with --ldap), against the simulator in its own process. Times the first sync and the no-op rerun
 * (wall clock of the processes), reads their peak memory from the sync's own report, and checks the
 * exact final state. Prints one JSON line on stdout; asserts correctness, never time.
 *   --students N (40000) --etapes N (1500) --platforms N (2) --latency MS (5) [--ldap]
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { LdapSource } from '../src/directory/ldap';
import type { Student } from '../src/directory/types';
import { MoodleApi } from '../src/moodle/api';
import { MoodleClient } from '../src/moodle/client';
import { BASE_DN, READER_DN, READER_PW, baseEntries, startSlapd } from '../test/helpers/slapd';

const ROOT = path.resolve(__dirname, '..', '..');
const MAX_INPUT_VARS = 5000;

interface Options {
  students: number;
  etapes: number;
  platforms: number;
  latency: number;
  ldap?: boolean;
}

const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Étape i belongs to platform i % P; its code starts with the platform's letter, which routes it. */
function university(o: Options) {
  let seed = 42;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const etapes = Array.from({ length: o.etapes }, (_, i) => `${letters[i % o.platforms]}${String(i).padStart(6, '0')}`);
  const students: Student[] = [];
  for (let i = 0; i < o.students; i++) {
    const key = `b${String(i).padStart(7, '0')}`;
    const main = etapes[Math.floor(rand() * etapes.length)]!;
    const inscriptions = [{ year: 2026, etape: main }, { year: 2025, etape: etapes[Math.floor(rand() * etapes.length)]! }];
    if (rand() < 0.1) inscriptions.push({ year: 2026, etape: etapes[Math.floor(rand() * etapes.length)]! });
    students.push({ key, uid: key, etuId: String(30000000 + i), listeRouge: false, inscriptions });
  }
  return { etapes, students };
}

function seedFile(o: Options, students: Student[], dir: string): string {
  const platforms = Array.from({ length: o.platforms }, (_, p) => {
    const letter = letters[p]!;
    const users = students
      .filter((s, i) => i % 33 !== 0 && s.inscriptions.some((x) => x.year === 2026 && x.etape.startsWith(letter)))
      .map((s) => ({ username: s.key, firstname: 'B', lastname: s.key, email: `${s.key}@bench.example`, idnumber: s.etuId }));
    return {
      name: `p${letter.toLowerCase()}`,
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

async function startSimulatorProcess(seed: string, latency: number): Promise<{ platforms: Array<{ name: string; url: string; token: string }>; stop: () => void }> {
  const child = spawn(process.execPath, ['--max-old-space-size=8192', path.join(ROOT, 'bin', 'cohortbot.js'), 'simulator', '--seed', seed, '--latency', String(latency)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(buf.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const ready = JSON.parse(line) as { platforms: Array<{ name: string; url: string; token: string }> };
  return { platforms: ready.platforms, stop: () => child.kill('SIGTERM') };
}

/** Every managed cohort on every platform holds exactly the students whose 2026 inscription routes there (and who have an account). */
async function exactState(platforms: Array<{ name: string; url: string; token: string }>, students: Student[]): Promise<{ ok: boolean; detail?: string }> {
  for (const [p, platform] of platforms.entries()) {
    const letter = letters[p]!;
    const api = new MoodleApi(new MoodleClient({ platform: platform.name, url: platform.url, token: platform.token, maxInputVars: MAX_INPUT_VARS, timeoutMs: 600_000 }));
    const cohorts = (await api.getCohorts()).filter((c) => c.idnumber.startsWith('etp:'));
    const members = await api.getCohortMembers(cohorts.map((c) => c.id));
    const users = new Map((await api.getUsersByField('id', [...new Set([...members.values()].flat())])).map((u) => [u.id, u.username]));
    const want = new Map<string, Set<string>>();
    students.forEach((st, i) => {
      if (i % 33 === 0) return; // no Moodle account yet
      for (const x of st.inscriptions) if (x.year === 2026 && x.etape.startsWith(letter)) (want.get(x.etape) ?? want.set(x.etape, new Set()).get(x.etape)!).add(st.key);
    });
    for (const c of cohorts) {
      const got = new Set((members.get(c.id) ?? []).map((id) => users.get(id)));
      const exp = want.get(c.idnumber.slice(4)) ?? new Set();
      if (got.size !== exp.size || [...exp].some((k) => !got.has(k))) return { ok: false, detail: `${platform.name} ${c.idnumber}: ${got.size} members, ${exp.size} expected` };
    }
    if (cohorts.length !== want.size) return { ok: false, detail: `${platform.name}: ${cohorts.length} cohorts, ${want.size} expected` };
  }
  return { ok: true };
}

/** The fewest write calls that can do a first sync: cohorts and members packed to max_input_vars. */
function minWriteCalls(students: Student[], etapes: string[], platforms: number): number {
  let calls = 0;
  const perCall = (vars: number) => Math.floor((MAX_INPUT_VARS - 3) / vars);
  for (let p = 0; p < platforms; p++) {
    const letter = letters[p]!;
    const cohorts = etapes.filter((e) => e.startsWith(letter)).length;
    let members = 0;
    students.forEach((s, i) => {
      if (i % 33 === 0) return;
      members += new Set(s.inscriptions.filter((x) => x.year === 2026 && x.etape.startsWith(letter)).map((x) => x.etape)).size;
    });
    calls += Math.ceil(cohorts / perCall(5)) + Math.ceil(members / perCall(4));
  }
  return calls;
}

/** The university as SupAnn entries: what the directory file (or slapd) holds. */
const ldifOf = (students: Student[]): string =>
  students
    .map((s) => [`dn: uid=${s.key},ou=people,${BASE_DN}`, 'objectClass: inetOrgPerson', 'objectClass: eduPerson', 'objectClass: supannPerson', `uid: ${s.key}`, `cn: ${s.key}`, `sn: ${s.key}`, 'eduPersonAffiliation: student', `supannEtuId: ${s.etuId}`, ...s.inscriptions.map((i) => `supannEtuInscription: [etab={UAI}0141408E][anneeinsc=${i.year}][etape={UAI:0141408E}${i.etape}]`), ''].join('\n'))
    .join('\n');

async function ldapTimes(slapd: Awaited<ReturnType<typeof startSlapd>>, students: Student[]): Promise<{ ldaptsReadMs: number; ldapsearchReadMs: number }> {
  {
    const source = new LdapSource({ url: slapd.url, bindDn: READER_DN, bindPassword: READER_PW, baseDn: `ou=people,${BASE_DN}`, filter: '(eduPersonAffiliation=student)', pageSize: 500, startTls: false, timeoutMs: 120_000, connectTimeoutMs: 5000, timeLimitSeconds: 120, rules: { keyAttribute: 'uid', keyField: 'username', uai: '0141408E' } });
    await source.read(); // warm the server
    let t = process.hrtime.bigint();
    const read = await source.read();
    const ldaptsReadMs = Number(process.hrtime.bigint() - t) / 1e6;
    if (!read.complete || read.roster.size !== students.length) throw new Error(`ldapts read ${read.roster.size}/${students.length}: ${read.incompleteReason}`);
    const attrs = ['uid', 'mail', 'supannEtuId', 'supannEtuInscription', 'supannListeRouge', 'eduPersonAffiliation', 'eduPersonPrimaryAffiliation', 'eduPersonPrincipalName', 'supannAliasLogin', 'displayName', 'cn'];
    t = process.hrtime.bigint();
    execFileSync('ldapsearch', ['-x', '-LLL', '-H', slapd.url, '-D', READER_DN, '-w', READER_PW, '-b', `ou=people,${BASE_DN}`, '-E', 'pr=500/noprompt', '(eduPersonAffiliation=student)', ...attrs], { maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'inherit'] });
    const ldapsearchReadMs = Number(process.hrtime.bigint() - t) / 1e6;
    return { ldaptsReadMs: Math.round(ldaptsReadMs), ldapsearchReadMs: Math.round(ldapsearchReadMs) };
  }
}

/** `cohortbot sync --json` as its own process: its JSON report and the wall time of the whole process. */
function syncProcess(env: Record<string, string>, nodeFlags: string[] = []): { doc: { status: string; peakRssMB: number; platforms: Array<{ writeCalls: number; readCalls: number; membersAdded: number; errors: string[] }> }; wallMs: number } {
  const t = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [...nodeFlags, path.join(ROOT, 'bin', 'cohortbot.js'), 'sync', '--json'], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] });
  const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
  return { doc: JSON.parse(out) as ReturnType<typeof syncProcess>['doc'], wallMs: Math.round(wallMs) };
}

async function main(): Promise<void> {
  const cmd = new Command('bench')
    .option('--students <n>', 'students', '40000')
    .option('--etapes <n>', 'étapes', '1500')
    .option('--platforms <n>', 'platforms (1 to 26)', '2')
    .option('--latency <ms>', 'simulated latency per Moodle call', '5')
    .option('--ldap', 'also load the directory into a real slapd and time ldapts against ldapsearch')
    .option('--profile <dir>', 'write CPU profiles of the two sync processes (node --cpu-prof) there')
    .parse(process.argv);
  const raw = cmd.opts<{ students: string; etapes: string; platforms: string; latency: string; ldap?: boolean; profile?: string }>();
  const flags = raw.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(raw.profile)}`] : [];
  const o: Options = { students: Number(raw.students), etapes: Number(raw.etapes), platforms: Number(raw.platforms), latency: Number(raw.latency), ldap: raw.ldap };
  if (![o.students, o.etapes, o.platforms, o.latency].every((n) => Number.isInteger(n) && n >= 0) || o.platforms < 1 || o.platforms > 26 || o.etapes < 1) {
    process.stderr.write('bench: --students, --etapes, --platforms (1–26) and --latency take whole numbers\n');
    process.exit(2);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-bench-'));
  let sim: Awaited<ReturnType<typeof startSimulatorProcess>> | undefined;
  try {
    const { etapes, students } = university(o);
    sim = await startSimulatorProcess(seedFile(o, students, dir), o.latency);
    const env: Record<string, string> = { MOODLE_PLATFORMS: sim.platforms.map((p) => p.name).join(','), ACADEMIC_YEAR: '2026', LOG_LEVEL: 'silent', SYNC_MAX_REMOVAL_PERCENT: '100', SYNC_MAX_REMOVALS: '10000000' };
    sim.platforms.forEach((p, i) => {
      const P = `MOODLE_${p.name.toUpperCase()}`;
      Object.assign(env, { [`${P}_URL`]: p.url, [`${P}_TOKEN`]: p.token, [`${P}_ETAPES`]: `${letters[i]}*`, [`${P}_MAX_INPUT_VARS`]: String(MAX_INPUT_VARS) });
    });
    // The directory the product reads: an LDIF file, or the same entries in a real slapd (--ldap).
    const ldifFile = path.join(dir, 'directory.ldif');
    fs.writeFileSync(ldifFile, ldifOf(students));
    const slapd = o.ldap ? await startSlapd(`${baseEntries()}\n${fs.readFileSync(ldifFile, 'utf8')}`) : undefined;
    Object.assign(env, { DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`, DIRECTORY_UAI: '0141408E' });
    if (slapd) Object.assign(env, { DIRECTORY_SOURCE: 'ldap', LDAP_URL: slapd.url, LDAP_BIND_DN: READER_DN, LDAP_BIND_PASSWORD: READER_PW, LDAP_BASE_DN: `ou=people,${BASE_DN}`, LDAP_TIMEOUT_MS: '600000', LDAP_TIME_LIMIT: '600' });
    else Object.assign(env, { DIRECTORY_SOURCE: 'file', DIRECTORY_FILE: ldifFile });
    if (process.env.BENCH_HOLD) {
      // Development aid: leave the directory and the simulator up for manual runs.
      fs.writeFileSync(process.env.BENCH_HOLD, Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
      process.stderr.write(`bench: env in ${process.env.BENCH_HOLD}; Ctrl-C to stop\n`);
      await new Promise((r) => process.once('SIGINT', r));
    }
    try {
      const first = syncProcess(env, flags);
      const noop = syncProcess(env, flags);
      const sum = (r: typeof first, k: 'writeCalls' | 'readCalls') => r.doc.platforms.reduce((n, p) => n + p[k], 0);
      const errors = first.doc.platforms.flatMap((p) => p.errors);
      if (errors.length > 0) throw new Error(`first sync errors: ${errors.slice(0, 3).join('; ')}`);
      // Correctness, checked on Moodle's side: every managed cohort holds exactly the students it must.
      const exact = await exactState(sim.platforms, students);
      if (!exact.ok) throw new Error(`the final state is not exact: ${exact.detail}`);
      // One "why" answer on the synced university, the CLI as a support person runs it.
      const someone = students.find((x, i) => i % 33 !== 0 && x.inscriptions.some((y) => y.year === 2026 && y.etape.startsWith('A')))!;
      const t = Date.now();
      execFileSync(process.execPath, [path.join(ROOT, 'bin', 'cohortbot.js'), 'why', someone.key, `${sim.platforms[0]!.name}:BENCH-101`, '--json'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
      const whyMs = Date.now() - t;
      const ldap = slapd ? await ldapTimes(slapd, students) : { ldaptsReadMs: null, ldapsearchReadMs: null };
    process.stdout.write(
      `${JSON.stringify({
        students: o.students,
        etapes: o.etapes,
        platforms: o.platforms,
        latencyMs: o.latency,
        firstSyncMs: first.wallMs,
        noopSyncMs: noop.wallMs,
        writeCalls: sum(first, 'writeCalls'),
        readCalls: sum(first, 'readCalls'),
        minWriteCalls: minWriteCalls(students, etapes, o.platforms),
        noopWrites: sum(noop, 'writeCalls'),
        membersAdded: first.doc.platforms.reduce((n, p) => n + p.membersAdded, 0),
        // The sync process's own peak memory (its maxRSS), first sync and no-op rerun.
        peakRssMB: first.doc.peakRssMB,
        noopPeakRssMB: noop.doc.peakRssMB,
        ...ldap,
        whyMs,
        exact: true,
      })}\n`,
    );
    } finally {
      await slapd?.stop();
    }
  } finally {
    sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(1);
});
