/**
 * `npm run bench:chat`: answers under load, through `serve` as an operator runs it. The simulator (the
 * demo seed) in its own process at a given latency per Moodle call (or `--cost moodle`), one first sync,
 * then `cohortbot serve` as its own process; N correctly signed Slack slash commands (and, with
 * `--teams K`, K Teams activities through the local connector) sent at once, a mix of the common
 * commands as several people of the demo. Prints one JSON line: first / median / p99 / last answer
 * times, the Moodle calls each command makes (each alone, from the simulator's counters), serve's peak
 * memory (VmHWM), and whether an "on it" came first. Asserts every command was answered with the right
 * content; never time.
 * With `--sync N`: a university of N more students (bench/university.ts) in the directory and on both
 * platforms; the load runs alone, a whole sync (an admin's "synchroniser tout") runs alone, Moodle is
 * put back as it was, the load runs alone again, and then both at once: the chat's figures beside the sync, and the sync's time
 * beside the chat, set against each alone; the sync's result is checked exact on Moodle both times.
 *   --commands N (20) --teams K (0) --latency MS (300) [--cost moodle --workers W] [--calls] [--sync N]
 */
import { execFileSync, ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { MoodleApi } from '../src/moodle/api';
import { MoodleClient } from '../src/moodle/client';
import { firstLine, spawnGroup, stopGroup } from '../test/helpers/process-group';
import { LETTERS, University, YEAR, differs, expectedCohorts, ldifOf, university } from './university';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'fixtures');
const SECRET = 'bench-signing-secret';

export interface ChatCase {
  who: string;
  text: string;
  /** What the right answer says (checked on the rendered reply). */
  expect: RegExp;
}

const MARIE = 'marie.durand@univ-demo.fr';
const PAUL = 'paul.martin@univ-demo.fr';
const SOPHIE = 'sophie.bernard@univ-demo.fr';
const LUC = 'luc.petit@univ-demo.fr';
const CLAIRE = 'claire.moreau@univ-demo.fr';
const ADMIN = 'admin.moodle@univ-demo.fr';

/**
 * A table row as either channel shows it: Slack's block has the cells side by side, a Teams card puts
 * each cell under its column's name ("Licence 2 Pharmacie | Identifiant | etp:L2PHA1 | Membres | 17").
 */
const row = (...cells: string[]): string => cells.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\W+(?:[\\p{L}][\\p{L} ]*\\W+)?');

/** The ten commonest commands, as the people who ask them; a run cycles through them. */
export const MIX: ChatCase[] = [
  { who: MARIE, text: 'chercher pharma', expect: new RegExp(row('Licence 2 Pharmacie (L2PHA1)', 'etp:L2PHA1', '17'), 'su') },
  { who: MARIE, text: 'méthodes PHA-L2-101', expect: /Synchronisations de cohortes — PHA-L2-101 \(ecampus\).*tuteurs-l2/s },
  { who: PAUL, text: 'chercher droit dans DRT-L1-101', expect: new RegExp(`${row('Licence 1 Droit (L1DRT1)', 'etp:L1DRT1', '18')}\\W.*oui`, 'su') },
  { who: SOPHIE, text: 'qui suis-je', expect: /ecampus : sbernard \(Sophie Bernard\)\W+collegium : sbernard/s },
  { who: LUC, text: 'aide', expect: /cohortbot — aide/s },
  { who: PAUL, text: 'état', expect: /Dernière synchronisation.*ecampus\W+(Cohortes créées\W+)?9\W+(Ajouts\W+)?110\W/s },
  { who: MARIE, text: 'ajouter etp:L3PHA1 à PHA-L3-201', expect: /Ajouter une synchronisation de cohorte \?.*Licence 3 Pharmacie \(L3PHA1\) \(etp:L3PHA1\) \(14 membres\).*Confirmer/s },
  { who: CLAIRE, text: 'pourquoi e21900011 PHA-L2-102', expect: /e21900011.*PHA-L2-102 \(ecampus\).*(A accès|N’a pas accès|n’a pas accès)/s },
  { who: SOPHIE, text: 'méthodes MEEF-201', expect: /MEEF-201 \(collegium\) ne synchronise aucune cohorte/s },
  { who: CLAIRE, text: 'chercher L2', expect: new RegExp(row('Licence 2 Droit (L2DRT1)', 'etp:L2DRT1', '15'), 'su') },
];
export const PEOPLE = [MARIE, PAUL, SOPHIE, LUC, CLAIRE, ADMIN];

/**
 * The common commands that change a course, measured alone (--calls) and never in the load (they
 * change what the others answer): a preview, its "oui", a change previewed, and the removal that puts
 * the course back as it was. `oui` takes the id of the confirmation the step before offered.
 */
export const CHANGES: Array<ChatCase & { confirms?: boolean }> = [
  { who: MARIE, text: 'ajouter etp:L3PHA1 à PHA-L3-201', expect: /Ajouter une synchronisation de cohorte \?.*Confirmer/s },
  { who: MARIE, text: 'oui', confirms: true, expect: /C’est fait : Licence 3 Pharmacie \(L3PHA1\) \(etp:L3PHA1\) est synchronisée avec PHA-L3-201/s },
  { who: MARIE, text: 'modifier etp:L3PHA1 dans PHA-L3-201 désactiver', expect: /etp:L3PHA1.*Confirmer/s },
  { who: MARIE, text: 'retirer etp:L3PHA1 de PHA-L3-201', expect: /Retirer la synchronisation \?.*Confirmer/s },
  { who: MARIE, text: 'oui', confirms: true, expect: /La synchronisation de Licence 3 Pharmacie \(L3PHA1\) \(etp:L3PHA1\) a été retirée de PHA-L3-201/s },
];

interface Options {
  commands: number;
  teams: number;
  latency: number;
  cost: 'none' | 'moodle';
  workers: number;
  calls: boolean;
  /** Students of a whole sync asked at the same time as the load (0: none). */
  sync: number;
}

interface Child {
  proc: ChildProcess;
  stop: () => Promise<void>;
}

/** A child process whose first stdout line is JSON (the simulator's and serve's ready lines), in its own process group. */
async function startJsonChild(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: Child; ready: Record<string, unknown> }> {
  // BENCH_NODE_FLAGS: development aid, more node flags for serve and the simulator (e.g. --cpu-prof).
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const proc = spawnGroup(process.execPath, [...flags, path.join(ROOT, 'bin', 'cohortbot.js'), ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => stopGroup(proc);
  try {
    return { child: { proc, stop }, ready: JSON.parse(await firstLine(proc, args[0]!)) as Record<string, unknown> };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface Received {
  at: number;
  body: Record<string, unknown>;
}

/**
 * The chat platforms' side, one local server: Slack's Web API (users.info from the people's addresses)
 * and response URLs, and a Bot Connector for Teams (members, replies). Every post is kept with its time.
 */
async function chatStub(people: string[]) {
  const slack = new Map<string, Received[]>();
  const teams = new Map<string, Received[]>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => {
      const at = Date.now();
      const url = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      const json = (req.headers['content-type'] ?? '').includes('json');
      const body = (json ? JSON.parse(raw || '{}') : Object.fromEntries(new URLSearchParams(raw))) as Record<string, unknown>;
      const resp = /^\/resp\/(\d+)$/.exec(url);
      if (resp) {
        slack.set(resp[1]!, [...(slack.get(resp[1]!) ?? []), { at, body }]);
        return void res.end('{"ok":true}');
      }
      if (url === '/api/users.info') {
        const email = people[Number(String(body.user).replace(/^U/, ''))];
        return void res.end(JSON.stringify({ ok: true, user: { id: body.user, team_id: 'T0BENCH', locale: 'fr-FR', profile: { email } } }));
      }
      if (url.startsWith('/api/')) return void res.end(JSON.stringify({ ok: true, ts: '1.0', channel: 'C1' }));
      // Bot Connector: members by id ("29:<n>"), replies to conversations "a:<command id>".
      const member = /\/v3\/conversations\/[^/]+\/members\/(.+)$/.exec(url);
      if (req.method === 'GET' && member) {
        const id = decodeURIComponent(member[1]!);
        const email = people[Number(id.replace(/^29:/, ''))];
        if (!email) return void res.writeHead(404).end('{}');
        return void res.end(JSON.stringify({ id, name: email, aadObjectId: `aad-${id}`, email, userPrincipalName: email, tenantId: 't1' }));
      }
      const reply = /\/v3\/conversations\/a%3A(t\d+)\/activities/.exec(url) ?? /\/v3\/conversations\/a:(t\d+)\/activities/.exec(url);
      if (reply) teams.set(reply[1]!, [...(teams.get(reply[1]!) ?? []), { at, body }]);
      res.end(JSON.stringify({ id: `r${at}` }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, slack, teams, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

const sign = (body: string) => {
  const ts = Math.floor(Date.now() / 1000);
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${crypto.createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}` };
};

/** What a reply says, as text (Block Kit or Adaptive Card JSON, flattened). */
const replyText = (body: unknown): string => {
  const out: string[] = [];
  const walk = (v: unknown, key = ''): void => {
    // Slack's form-encoded posts carry blocks as a JSON string; the words are in "text" and "title" (cards, blocks, table cells).
    if (typeof v === 'string') {
      if (key === 'blocks' || key === 'attachments') walk(JSON.parse(v));
      else if (key === 'text' || key === 'title') out.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key === 'blocks' ? '' : key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(body);
  // French typography puts no-break spaces before « : ; ! ? »: the expectations are written with plain ones.
  return out.join(' | ').replace(/[\u00a0\u202f]/g, ' ');
};
/** The "on it" (Slack: the block cohortbot:pending; Teams: typing) is not the answer. */
const isPending = (body: Record<string, unknown>): boolean => body.type === 'typing' || /cohortbot:pending/.test(JSON.stringify(body));

interface Outcome {
  id: string;
  channel: 'slack' | 'teams';
  c: ChatCase;
  sentAt: number;
  answerMs?: number;
  pendingMs?: number;
  ok: boolean;
  detail?: string;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/** A call as the simulator served it (GET /_sim/calls). */
interface ServedCall {
  platform: string;
  fn: string;
  start: number;
  end: number;
}

/**
 * Sequential Moodle round trips: the longest chain of calls each of which started only after the one
 * before it had ended. Calls made at once count once; what waited for an answer counts again.
 */
export function sequentialDepth(calls: Array<Pick<ServedCall, 'start' | 'end'>>): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  sorted.forEach((c, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= c.start) before = Math.max(before, depth[j]!);
    depth.push(before + 1);
  });
  return Math.max(0, ...depth);
}

async function servedCalls(simUrl: string, since: number, until: number): Promise<ServedCall[]> {
  const all = (await (await fetch(`${simUrl}/_sim/calls?since=${since}`)).json()) as ServedCall[];
  return all.filter((c) => c.start <= until);
}

async function counters(simUrl: string): Promise<number> {
  const r = (await (await fetch(`${simUrl}/_sim/counters`)).json()) as Record<string, unknown>;
  // { platform: { fn: n } } or { fn: n }: every number counted.
  const sum = (v: unknown): number => (typeof v === 'number' ? v : v && typeof v === 'object' ? Object.values(v).reduce<number>((n, x) => n + sum(x), 0) : 0);
  return sum(r);
}

interface LoadStats {
  firstMs: number;
  medianMs: number;
  p99Ms: number;
  lastMs: number;
  /** The three slowest answers: which command, on which channel. */
  slowest: string[];
}

export interface ChatBenchResult {
  commands: number;
  teams: number;
  latencyMs: number;
  cost: string;
  firstMs: number;
  medianMs: number;
  p99Ms: number;
  lastMs: number;
  pendingFirst: number;
  callsPerCommand?: Record<string, number>;
  /** Sequential round trips per command alone (see sequentialDepth). */
  depthPerCommand?: Record<string, number>;
  aloneMs?: Record<string, number>;
  /**
   * --sync: the whole sync's Moodle calls (alone), its time alone and beside the load (from the admin's command to its answer),
   * the load's figures alone (run again just before, caches as warm) and beside it, and the p99 of one
   * against the other; `exact` when Moodle holds exactly the university's cohorts both times (else the
   * bench fails).
   */
  sync?: { students: number; calls: number; aloneMs: number; besideChatMs: number; slowerPercent: number; chatAlone: LoadStats; chatBeside: LoadStats; p99Ratio: number; exact: boolean };
  servePeakRssMB: number;
  failures: Array<{ text: string; who: string; detail: string }>;
  allAnswered: boolean;
}

/** Everything the run started, stopped in reverse order: at the end, on failure, and on SIGINT/SIGTERM. */
const stops: Array<() => Promise<void>> = [];
const stopAll = async () => {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
};

/** The platforms a --sync university is spread over: étapes starting with A go to the first, B to the second. */
const SYNC_PLATFORMS = ['ecampus', 'collegium'];

/** The demo's seed with the --sync university's accounts added to the platform of their étapes. */
function seedWith(u: University, dir: string): string {
  const seed = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'moodle-seed.json'), 'utf8')) as { platforms: Array<{ name: string; users: unknown[] }> };
  SYNC_PLATFORMS.forEach((name, p) => {
    const users = u.students
      .filter((s) => s.account && s.inscriptions.some((x) => x.year === YEAR && x.etape.startsWith(LETTERS[p]!)))
      .map((s) => ({ username: s.key, firstname: 'B', lastname: s.key, email: `${s.key}@bench.example`, idnumber: s.etuId }));
    seed.platforms.find((x) => x.name === name)!.users.push(...users);
  });
  const file = path.join(dir, 'seed.json');
  fs.writeFileSync(file, JSON.stringify(seed));
  return file;
}

/** Every managed cohort of the --sync university holds exactly its students, read back through Moodle's functions. */
async function syncExact(platforms: Array<{ name: string; url: string; token: string }>, u: University): Promise<string | undefined> {
  for (const [p, name] of SYNC_PLATFORMS.entries()) {
    const platform = platforms.find((x) => x.name === name)!;
    const api = new MoodleApi(new MoodleClient({ platform: name, url: platform.url, token: platform.token, maxInputVars: 1000, timeoutMs: 600_000 }));
    const cohorts = (await api.getCohorts()).filter((c) => c.idnumber.startsWith(`etp:${LETTERS[p]}0`));
    const members = await api.getCohortMembers(cohorts.map((c) => c.id));
    const ids = [...new Set([...members.values()].flat())];
    const users = new Map<number, string>();
    for (let i = 0; i < ids.length; i += 500) for (const x of await api.getUsersByField('id', ids.slice(i, i + 500))) users.set(x.id, x.username ?? '');
    const got = new Map(cohorts.map((c) => [c.idnumber.slice(4), new Set((members.get(c.id) ?? []).map((id) => users.get(id) ?? `#${id}`))]));
    const problem = differs(got, expectedCohorts(u, p), name);
    if (problem) return problem;
  }
  return undefined;
}

export async function runChatBench(o: Options): Promise<ChatBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-chatbench-'));
  try {
    const base = { PATH: process.env.PATH ?? '' };
    // --sync: N more students, about 27 an étape as at a real university, in the directory and in Moodle.
    const u = o.sync > 0 ? university({ students: o.sync, etapes: Math.max(2, Math.round(o.sync / 27)), platforms: SYNC_PLATFORMS.length }) : undefined;
    const seedFile = u ? seedWith(u, dir) : path.join(FIXTURES, 'moodle-seed.json');
    const sim = await startJsonChild(['simulator', '--seed', seedFile, '--latency', '0', '--cost', o.cost, '--workers', String(o.workers), '--state', path.join(dir, 'sim-state.json')], base);
    stops.push(sim.child.stop);
    const platforms = sim.ready.platforms as Array<{ name: string; url: string; token: string }>;
    const simUrl = String(sim.ready.url);
    const stub = await chatStub(PEOPLE);
    stops.push(stub.stop);
    const env: Record<string, string> = {
      ...base,
      MOODLE_PLATFORMS: 'ecampus,collegium',
      MOODLE_ECAMPUS_ETAPES: '*PHA*,*DRT*,*SCI*,*INF*,L2T1*',
      MOODLE_COLLEGIUM_ETAPES: 'DU*,*LEA*,M2*',
      MOODLE_COLLEGIUM_MAX_INPUT_VARS: '1000',
      DIRECTORY_SOURCE: 'file',
      DIRECTORY_FILE: path.join(FIXTURES, 'demo-directory.ldif'),
      ETAPE_LABELS_FILE: path.join(FIXTURES, 'etapes.csv'),
      DIRECTORY_UAI: '0141408E',
      ACADEMIC_YEAR: '2026',
      DATABASE_URL: `sqlite:${path.join(dir, 'cohortbot.db')}`,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      SUPPORT_USERS: CLAIRE,
      ADMIN_USERS: ADMIN,
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: `${stub.url}/api`,
      TEAMS_LOCAL_MODE: 'true',
      PORT: '0',
    };
    for (const p of platforms) Object.assign(env, { [`MOODLE_${p.name.toUpperCase()}_URL`]: p.url, [`MOODLE_${p.name.toUpperCase()}_TOKEN`]: p.token });
    // The demo's first sync, without latency, so the cohorts exist; then every call takes --latency.
    execFileSync(process.execPath, [path.join(ROOT, 'bin', 'cohortbot.js'), 'sync', '--json'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    await sim.child.stop();
    stops.splice(stops.indexOf(sim.child.stop), 1);
    const simArgs = ['simulator', '--seed', seedFile, '--latency', String(o.latency), '--cost', o.cost, '--workers', String(o.workers), '--state', path.join(dir, 'sim-state.json'), '--port', String(new URL(simUrl).port)];
    // Moodle as the demo's first sync left it: what a second whole sync starts from again.
    const snapshot = path.join(dir, 'sim-state.demo.json');
    fs.copyFileSync(path.join(dir, 'sim-state.json'), snapshot);
    let sim2 = await startJsonChild(simArgs, base);
    stops.push(sim2.child.stop);
    if (u) {
      // serve reads the university too (its first sync above read the demo's people only), routed by étape letter.
      const file = path.join(dir, 'directory.ldif');
      fs.writeFileSync(file, `${fs.readFileSync(path.join(FIXTURES, 'demo-directory.ldif'), 'utf8')}\n${ldifOf(u)}\n`);
      Object.assign(env, { DIRECTORY_FILE: file, MOODLE_ECAMPUS_ETAPES: `${env.MOODLE_ECAMPUS_ETAPES},A0*`, MOODLE_COLLEGIUM_ETAPES: `${env.MOODLE_COLLEGIUM_ETAPES},B0*` });
    }
    let serve = await startJsonChild(['serve', '--no-scheduler', '--json'], env);
    stops.push(serve.child.stop);
    let serveUrl = `http://127.0.0.1:${String(serve.ready.port)}`;

    let seq = 0;
    const sendSlack = async (c: ChatCase): Promise<Outcome> => {
      const id = String(++seq);
      const user = `U${PEOPLE.indexOf(c.who)}`;
      const body = new URLSearchParams({ command: '/cohort', text: c.text, user_id: user, team_id: 'T0BENCH', channel_id: 'C1', trigger_id: `TR${id}`, response_url: `${stub.url}/resp/${id}` }).toString();
      const sentAt = Date.now();
      const res = await fetch(`${serveUrl}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
      await res.text();
      return { id, channel: 'slack', c, sentAt, ok: res.status === 200, detail: res.status === 200 ? undefined : `HTTP ${res.status}` };
    };
    const sendTeams = async (c: ChatCase): Promise<Outcome> => {
      const id = `t${++seq}`;
      const from = `29:${PEOPLE.indexOf(c.who)}`;
      const activity = { type: 'message', id, channelId: 'msteams', serviceUrl: `${stub.url}/`, text: c.text, locale: 'fr-FR', from: { id: from, aadObjectId: `aad-${from}` }, recipient: { id: '28:bot', name: 'CohortBot' }, conversation: { id: `a:${id}`, conversationType: 'personal', tenantId: 't1' } };
      const sentAt = Date.now();
      // The local connector's POST returns once the turn is over; the reply's time is when it reached the stub.
      const res = await fetch(`${serveUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      await res.text();
      return { id, channel: 'teams', c, sentAt, ok: res.status < 300, detail: res.status < 300 ? undefined : `HTTP ${res.status}` };
    };
    const answerOf = (out: Outcome) => (out.channel === 'slack' ? stub.slack.get(out.id) : stub.teams.get(out.id)) ?? [];
    const settle = async (outs: Outcome[], waitMs: number) => {
      const until = Date.now() + waitMs;
      while (Date.now() < until && outs.some((x) => x.ok && !answerOf(x).some((r) => !isPending(r.body)))) await new Promise((r) => setTimeout(r, 50));
      for (const out of outs) {
        const got = answerOf(out);
        const answer = got.find((r) => !isPending(r.body));
        const pending = got.find((r) => isPending(r.body));
        if (pending) out.pendingMs = pending.at - out.sentAt;
        if (!out.ok) continue;
        if (!answer) {
          out.ok = false;
          out.detail = 'no answer';
          continue;
        }
        out.answerMs = answer.at - out.sentAt;
        if (!c(out).expect.test(replyText(answer.body))) {
          out.ok = false;
          out.detail = `unexpected answer: ${replyText(answer.body).slice(0, 300)}`;
        }
      }
    };
    const c = (o: Outcome) => o.c;

    // Calls per command: each of the mix alone, twice (the second shows what caching saves), from the simulator's counters.
    let callsPerCommand: Record<string, number> | undefined;
    let depthPerCommand: Record<string, number> | undefined;
    /** Each command's answer time alone: at a given latency, about (round trips × latency) + the rest. */
    const aloneMs: Record<string, number> = {};
    if (o.calls) {
      callsPerCommand = {};
      depthPerCommand = {};
      for (const round of ['first', 'again']) {
        let offered = '';
        for (const step of [...MIX, ...CHANGES] as Array<ChatCase & { confirms?: boolean }>) {
          const k = step.confirms ? { ...step, text: `oui ${offered}` } : step;
          const before = await counters(simUrl);
          const out = await sendSlack(k);
          await settle([out], 120_000);
          if (!out.ok) throw new Error(`"${k.text}" as ${k.who}: ${out.detail}`);
          if (process.env.BENCH_SHOW) process.stderr.write(`${k.text}: ${replyText(answerOf(out).find((r) => !isPending(r.body))!.body).slice(0, 600)}\n`);
          offered = /oui ([0-9a-f]{8})/.exec(JSON.stringify(answerOf(out)))?.[1] ?? '';
          const name = `${step.confirms ? `${step.text} (${CHANGES[CHANGES.indexOf(step) - 1]!.text.split(' ')[0]})` : k.text}${round === 'again' ? ' (again)' : ''}`;
          // The changes start with the mix's own `ajouter`: measured once, where the mix has it.
          if (name in callsPerCommand) continue;
          callsPerCommand[name] = (await counters(simUrl)) - before;
          aloneMs[name] = out.answerMs!;
          const calls = await servedCalls(simUrl, out.sentAt, out.sentAt + out.answerMs!);
          depthPerCommand[name] = sequentialDepth(calls);
          if (process.env.BENCH_SHOW) process.stderr.write(`  ${name}: ${calls.map((x) => `${x.platform}:${x.fn}@${x.start - out.sentAt}-${x.end - out.sentAt}`).join(' ')}\n`);
        }
      }
    }

    if (o.calls) {
      // The commands alone above filled serve's caches: the load starts from a fresh serve, as without --calls.
      await serve.child.stop();
      stops.splice(stops.indexOf(serve.child.stop), 1);
      serve = await startJsonChild(['serve', '--no-scheduler', '--json'], env);
      stops.push(serve.child.stop);
      serveUrl = `http://127.0.0.1:${String(serve.ready.port)}`;
    }

    // The load: N Slack commands and K Teams activities at once, cycling through the mix. With --sync,
    // "état" may show the university's run: its figures are the sync's, checked on Moodle instead.
    const mix = u ? MIX.map((k) => (k.text === 'état' ? { ...k, expect: /Dernière synchronisation.*ecampus/s } : k)) : MIX;
    const load = async (): Promise<{ outs: Outcome[]; stats: LoadStats }> => {
      const sends: Array<Promise<Outcome>> = [];
      for (let i = 0; i < o.commands; i++) sends.push(sendSlack(mix[i % mix.length]!));
      for (let i = 0; i < o.teams; i++) sends.push(sendTeams(mix[(i + 3) % mix.length]!));
      const outs = await Promise.all(sends);
      await settle(outs, 600_000);
      const times = outs.filter((x) => x.answerMs !== undefined).map((x) => x.answerMs!).sort((a, b) => a - b);
      return {
        outs,
        stats: {
          firstMs: times[0] ?? -1,
          medianMs: times.length ? pct(times, 50) : -1,
          p99Ms: times.length ? pct(times, 99) : -1,
          lastMs: times[times.length - 1] ?? -1,
          slowest: [...outs].sort((a, b) => (b.answerMs ?? 0) - (a.answerMs ?? 0)).slice(0, 3).map((x) => `${x.channel} ${x.c.text}: ${x.answerMs ?? -1} ms`),
        },
      };
    };
    const failed = (outs: Outcome[]) => outs.filter((x) => !x.ok).map((x) => ({ text: x.c.text, who: x.c.who, detail: x.detail ?? '' }));
    const alone = await load();
    const failures = failed(alone.outs);

    let sync: ChatBenchResult['sync'];
    if (u) {
      // The whole sync as an admin asks it in the chat: it runs in serve, sharing Moodle's slots with the chat.
      let syncCalls = 0;
      const wholeSync = async (): Promise<number> => {
        const out = await sendSlack({ who: ADMIN, text: 'synchroniser tout', expect: /Synchronisation \S+ : appliquée/ });
        await settle([out], 1_800_000);
        if (!out.ok) throw new Error(`the whole sync: ${out.detail}`);
        syncCalls ||= (await servedCalls(simUrl, out.sentAt, out.sentAt + out.answerMs!)).length;
        const problem = await syncExact(platforms, u);
        if (problem) throw new Error(`the whole sync's result is not exact: ${problem}`);
        return out.answerMs!;
      };
      const syncAloneMs = await wholeSync();
      // Moodle back as before the sync (the simulator restarted on its snapshot), so the second sync has the same work.
      await sim2.child.stop();
      stops.splice(stops.indexOf(sim2.child.stop), 1);
      fs.copyFileSync(snapshot, path.join(dir, 'sim-state.json'));
      sim2 = await startJsonChild(simArgs, base);
      stops.push(sim2.child.stop);
      // The load alone again, just before, so that both loads meet the same warm caches.
      const chatAlone = await load();
      failures.push(...failed(chatAlone.outs));
      const [syncBesideMs, beside] = await Promise.all([wholeSync(), new Promise((r) => setTimeout(r, 200)).then(load)]);
      failures.push(...failed(beside.outs));
      sync = {
        students: u.students.length,
        calls: syncCalls,
        aloneMs: syncAloneMs,
        besideChatMs: syncBesideMs,
        slowerPercent: Math.round((100 * (syncBesideMs - syncAloneMs)) / syncAloneMs),
        chatAlone: chatAlone.stats,
        chatBeside: beside.stats,
        p99Ratio: Math.round((100 * beside.stats.p99Ms) / Math.max(1, chatAlone.stats.p99Ms)) / 100,
        exact: true,
      };
    }
    const rss = fs.readFileSync(`/proc/${serve.child.proc.pid}/status`, 'utf8');
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(rss)?.[1] ?? 0);
    return {
      commands: o.commands,
      teams: o.teams,
      latencyMs: o.latency,
      cost: o.cost === 'none' ? 'none' : `${o.cost}, ${o.workers} workers`,
      ...alone.stats,
      pendingFirst: alone.outs.filter((x) => x.pendingMs !== undefined).length,
      callsPerCommand,
      depthPerCommand,
      aloneMs: o.calls ? aloneMs : undefined,
      sync,
      servePeakRssMB: Math.round(hwm / 1024),
      failures,
      allAnswered: failures.length === 0,
    };
  } finally {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function parseOptions(): Options {
  const cmd = new Command('bench:chat')
    .option('--commands <n>', 'Slack slash commands sent at once', '20')
    .option('--teams <n>', 'Teams activities sent at once with them (local connector)', '0')
    .option('--latency <ms>', 'simulated latency per Moodle call', '300')
    .option('--cost <model>', "the simulator's cost model: none, or moodle (src/simulator/cost.ts)", 'none')
    .option('--workers <n>', 'calls the simulator serves at once under a cost model', '4')
    .option('--calls', 'first, the Moodle calls of each command of the mix alone (and again)')
    .option('--sync <students>', 'also a whole sync of that many more students, alone and beside the load', '0')
    .parse(process.argv);
  const raw = cmd.opts<{ commands: string; teams: string; latency: string; cost: string; workers: string; calls?: boolean; sync: string }>();
  const o: Options = { commands: Number(raw.commands), teams: Number(raw.teams), latency: Number(raw.latency), cost: raw.cost === 'moodle' ? 'moodle' : 'none', workers: Number(raw.workers), calls: Boolean(raw.calls), sync: Number(raw.sync) };
  if (raw.cost !== 'none' && raw.cost !== 'moodle') throw new Error('--cost takes none or moodle');
  if (![o.commands, o.teams, o.latency, o.workers, o.sync].every((n) => Number.isInteger(n) && n >= 0) || o.commands + o.teams < 1) throw new Error('--commands, --teams, --latency and --workers take whole numbers (at least one command)');
  return o;
}

if (require.main === module) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().then(() => process.exit(1)));
  void (async () => {
    try {
      const r = await runChatBench(parseOptions());
      process.stdout.write(`${JSON.stringify(r)}\n`);
      if (!r.allAnswered) {
        process.stderr.write(`bench:chat: ${r.failures.length} command(s) not answered correctly: ${JSON.stringify(r.failures.slice(0, 3))}\n`);
        process.exit(1);
      }
    } catch (err) {
      process.stderr.write(`bench:chat: ${(err as Error).message}\n`);
      process.exit(1);
    }
  })();
}
