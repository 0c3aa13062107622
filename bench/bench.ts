/**
 * `npm run bench`: a synthetic university against the simulator (a separate process, with a latency
 * knob), timed. Prints one JSON line on stdout; asserts nothing about time.
 *   --students N (40000) --etapes N (1500) --platforms N (2) --latency MS (5) [--ldap]
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../src/config';
import { LdapSource } from '../src/directory/ldap';
import type { DirectoryRead, DirectorySource, LookupResult, Student } from '../src/directory/types';
import { createPlatformApis } from '../src/moodle/platforms';
import { cohortSyncsFor } from '../src/moodle/cohort-syncs';
import { diagnose } from '../src/diagnosis/why';
import { SqliteStore } from '../src/store/sqlite';
import { SyncEngine } from '../src/sync/engine';
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

class BenchDirectory implements DirectorySource {
  constructor(private readonly students: Student[]) {}
  describe() {
    return 'bench';
  }
  async read(): Promise<DirectoryRead> {
    return { source: 'bench', entries: this.students.length, students: this.students, skipped: {}, complete: true, warnings: [], etapes: {}, durationMs: 0 };
  }
  async lookup(key: string): Promise<LookupResult> {
    const s = this.students.find((x) => x.key === key);
    return { complete: true, found: s ? 'student' : 'none', student: s, matches: s ? 1 : 0, skipped: {} };
  }
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

async function ldapTimes(students: Student[]): Promise<{ ldaptsReadMs: number; ldapsearchReadMs: number }> {
  const ldif = students
    .map((s) => [`dn: uid=${s.key},ou=people,${BASE_DN}`, 'objectClass: inetOrgPerson', 'objectClass: eduPerson', 'objectClass: supannPerson', `uid: ${s.key}`, `cn: ${s.key}`, `sn: ${s.key}`, 'eduPersonAffiliation: student', `supannEtuId: ${s.etuId}`, ...s.inscriptions.map((i) => `supannEtuInscription: [etab={UAI}0141408E][anneeinsc=${i.year}][etape={UAI:0141408E}${i.etape}]`), ''].join('\n'))
    .join('\n');
  const slapd = await startSlapd(`${baseEntries()}\n${ldif}`);
  try {
    const source = new LdapSource({ url: slapd.url, bindDn: READER_DN, bindPassword: READER_PW, baseDn: `ou=people,${BASE_DN}`, filter: '(eduPersonAffiliation=student)', pageSize: 500, startTls: false, timeoutMs: 120_000, connectTimeoutMs: 5000, timeLimitSeconds: 120, rules: { keyAttribute: 'uid', keyField: 'username', uai: '0141408E' } });
    await source.read(); // warm the server
    let t = process.hrtime.bigint();
    const read = await source.read();
    const ldaptsReadMs = Number(process.hrtime.bigint() - t) / 1e6;
    if (!read.complete || read.students.length !== students.length) throw new Error(`ldapts read ${read.students.length}/${students.length}: ${read.incompleteReason}`);
    const attrs = ['uid', 'mail', 'supannEtuId', 'supannEtuInscription', 'supannListeRouge', 'eduPersonAffiliation', 'eduPersonPrimaryAffiliation', 'eduPersonPrincipalName', 'supannAliasLogin', 'displayName', 'cn'];
    t = process.hrtime.bigint();
    execFileSync('ldapsearch', ['-x', '-LLL', '-H', slapd.url, '-D', READER_DN, '-w', READER_PW, '-b', `ou=people,${BASE_DN}`, '-E', 'pr=500/noprompt', '(eduPersonAffiliation=student)', ...attrs], { maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'inherit'] });
    const ldapsearchReadMs = Number(process.hrtime.bigint() - t) / 1e6;
    return { ldaptsReadMs: Math.round(ldaptsReadMs), ldapsearchReadMs: Math.round(ldapsearchReadMs) };
  } finally {
    await slapd.stop();
  }
}

async function main(): Promise<void> {
  const cmd = new Command('bench')
    .option('--students <n>', 'students', '40000')
    .option('--etapes <n>', 'étapes', '1500')
    .option('--platforms <n>', 'platforms (1 to 26)', '2')
    .option('--latency <ms>', 'simulated latency per Moodle call', '5')
    .option('--ldap', 'also load the directory into a real slapd and time ldapts against ldapsearch')
    .parse(process.argv);
  const raw = cmd.opts<{ students: string; etapes: string; platforms: string; latency: string; ldap?: boolean }>();
  const o: Options = { students: Number(raw.students), etapes: Number(raw.etapes), platforms: Number(raw.platforms), latency: Number(raw.latency), ldap: raw.ldap };
  if (![o.students, o.etapes, o.platforms, o.latency].every((n) => Number.isInteger(n) && n >= 0) || o.platforms < 1 || o.platforms > 26 || o.etapes < 1) {
    process.stderr.write('bench: --students, --etapes, --platforms (1–26) and --latency take whole numbers\n');
    process.exit(2);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-bench-'));
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  let sim: Awaited<ReturnType<typeof startSimulatorProcess>> | undefined;
  try {
    const { etapes, students } = university(o);
    sim = await startSimulatorProcess(seedFile(o, students, dir), o.latency);
    const env: Record<string, string> = { MOODLE_PLATFORMS: sim.platforms.map((p) => p.name).join(','), DIRECTORY_SOURCE: 'file', DIRECTORY_FILE: 'unused.ldif', ACADEMIC_YEAR: '2026', LOG_LEVEL: 'silent', SYNC_MAX_REMOVAL_PERCENT: '100', SYNC_MAX_REMOVALS: '10000000' };
    sim.platforms.forEach((p, i) => {
      const P = `MOODLE_${p.name.toUpperCase()}`;
      Object.assign(env, { [`${P}_URL`]: p.url, [`${P}_TOKEN`]: p.token, [`${P}_ETAPES`]: `${letters[i]}*`, [`${P}_MAX_INPUT_VARS`]: String(MAX_INPUT_VARS) });
    });
    const config = loadConfig(env);
    const store = new SqliteStore(path.join(dir, 'bench.db'));
    const engine = new SyncEngine({ config, directory: new BenchDirectory(students), apis: createPlatformApis(config), store });
    let t = Date.now();
    const first = await engine.run();
    const firstSyncMs = Date.now() - t;
    t = Date.now();
    const noop = await engine.run();
    const noopSyncMs = Date.now() - t;
    const sum = (r: typeof first, k: 'writeCalls' | 'readCalls') => r.platforms.reduce((n, p) => n + p[k], 0);
    const errors = first.platforms.flatMap((p) => p.errors);
    if (errors.length > 0) process.stderr.write(`bench: first sync errors: ${errors.slice(0, 3).join('; ')}\n`);
    // One "why" answer on the synced university (the first platform, a student of it).
    const firstPlatform = sim.platforms[0]!.name;
    const api = createPlatformApis(config).get(firstPlatform)!;
    const [course] = await api.getCoursesByField('shortname', 'BENCH-101');
    const someone = students.find((s, i) => i % 33 !== 0 && s.inscriptions.some((x) => x.year === 2026 && x.etape.startsWith('A')))!;
    const syncs = await cohortSyncsFor(api);
    t = Date.now();
    await diagnose({ config, directory: new BenchDirectory(students), api, syncs, store, now: new Date(), actingUserId: (await api.siteInfo()).userid }, someone.key, firstPlatform, course!);
    const whyMs = Date.now() - t;
    const ldap = o.ldap ? await ldapTimes(students.slice(0, o.students)) : { ldaptsReadMs: null, ldapsearchReadMs: null };
    await store.close();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    process.stdout.write(
      `${JSON.stringify({
        students: o.students,
        etapes: o.etapes,
        platforms: o.platforms,
        latencyMs: o.latency,
        firstSyncMs,
        noopSyncMs,
        writeCalls: sum(first, 'writeCalls'),
        readCalls: sum(first, 'readCalls'),
        minWriteCalls: minWriteCalls(students, etapes, o.platforms),
        noopWrites: sum(noop, 'writeCalls'),
        membersAdded: first.platforms.reduce((n, p) => n + p.membersAdded, 0),
        peakRssMB: Math.round(peakRss / 1048576),
        ...ldap,
        whyMs,
      })}\n`,
    );
  } finally {
    clearInterval(sampler);
    sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(1);
});
