/**
 * `npm run bench:chat`: answers under load, through `serve` as an operator runs it. The simulator (the
 * demo seed) in its own process at a given latency per Moodle call (or `--cost moodle`), one first sync,
 * then `cohortbot serve` as its own process; N correctly signed Slack slash commands (and, with
 * `--teams K`, K Teams activities through the local connector) sent at once, a mix of the common
 * commands as several people of the demo. Prints one JSON line: first / median / p99 / last answer
 * times, the Moodle calls each command makes (each alone, from the simulator's counters), serve's peak
 * memory (VmHWM), and whether an "on it" came first. Asserts every command was answered with the right
 * content; never time.
 *   --commands N (20) --teams K (0) --latency MS (300) [--cost moodle --workers W] [--calls]
 */
import { execFileSync, ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { firstLine, spawnGroup, stopGroup } from '../test/helpers/process-group';

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

/** The ten commonest commands, as the people who ask them; a run cycles through them. */
export const MIX: ChatCase[] = [
  { who: MARIE, text: 'chercher pharma', expect: /Licence 2 Pharmacie \(L2PHA1\)\W+etp:L2PHA1\W+17/s },
  { who: MARIE, text: 'méthodes PHA-L2-101', expect: /Synchronisations de cohortes — PHA-L2-101 \(ecampus\).*tuteurs-l2/s },
  { who: PAUL, text: 'chercher droit dans DRT-L1-101', expect: /Licence 1 Droit \(L1DRT1\)\W+etp:L1DRT1\W+18\W.*oui/s },
  { who: SOPHIE, text: 'qui suis-je', expect: /ecampus : sbernard \(Sophie Bernard\)\W+collegium : sbernard/s },
  { who: LUC, text: 'aide', expect: /cohortbot — aide/s },
  { who: PAUL, text: 'état', expect: /Dernière synchronisation.*ecampus\W+(Cohortes créées\W+)?9\W+(Ajouts\W+)?110\W/s },
  { who: MARIE, text: 'ajouter etp:L3PHA1 à PHA-L3-201', expect: /Ajouter une synchronisation de cohorte \?.*Licence 3 Pharmacie \(L3PHA1\) \(etp:L3PHA1\) \(14 membres\).*Confirmer/s },
  { who: CLAIRE, text: 'pourquoi e21900011 PHA-L2-102', expect: /Pourquoi e21900011 n’est pas inscrit à PHA-L2-102 \(ecampus\).*Membre de la cohorte de son étape/s },
  { who: SOPHIE, text: 'méthodes MEEF-201', expect: /MEEF-201 \(collegium\) ne synchronise aucune cohorte/s },
  { who: CLAIRE, text: 'chercher L2', expect: /Licence 2 Droit \(L2DRT1\)\W+etp:L2DRT1\W+15/s },
];
export const PEOPLE = [MARIE, PAUL, SOPHIE, LUC, CLAIRE, ADMIN];

interface Options {
  commands: number;
  teams: number;
  latency: number;
  cost: 'none' | 'moodle';
  workers: number;
  calls: boolean;
}

interface Child {
  proc: ChildProcess;
  stop: () => Promise<void>;
}

/** A child process whose first stdout line is JSON (the simulator's and serve's ready lines), in its own process group. */
async function startJsonChild(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: Child; ready: Record<string, unknown> }> {
  const proc = spawnGroup(process.execPath, [path.join(ROOT, 'bin', 'cohortbot.js'), ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
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
  return out.join(' | ');
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
  return all.filter((c) => c.end <= until);
}

async function counters(simUrl: string): Promise<number> {
  const r = (await (await fetch(`${simUrl}/_sim/counters`)).json()) as Record<string, unknown>;
  // { platform: { fn: n } } or { fn: n }: every number counted.
  const sum = (v: unknown): number => (typeof v === 'number' ? v : v && typeof v === 'object' ? Object.values(v).reduce<number>((n, x) => n + sum(x), 0) : 0);
  return sum(r);
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
  servePeakRssMB: number;
  failures: Array<{ text: string; who: string; detail: string }>;
  allAnswered: boolean;
}

/** Everything the run started, stopped in reverse order: at the end, on failure, and on SIGINT/SIGTERM. */
const stops: Array<() => Promise<void>> = [];
const stopAll = async () => {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
};

export async function runChatBench(o: Options): Promise<ChatBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-chatbench-'));
  try {
    const base = { PATH: process.env.PATH ?? '' };
    const sim = await startJsonChild(['simulator', '--seed', path.join(FIXTURES, 'moodle-seed.json'), '--latency', '0', '--cost', o.cost, '--workers', String(o.workers), '--state', path.join(dir, 'sim-state.json')], base);
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
    const sim2 = await startJsonChild(['simulator', '--seed', path.join(FIXTURES, 'moodle-seed.json'), '--latency', String(o.latency), '--cost', o.cost, '--workers', String(o.workers), '--state', path.join(dir, 'sim-state.json'), '--port', String(new URL(simUrl).port)], base);
    stops.push(sim2.child.stop);
    const serve = await startJsonChild(['serve', '--no-scheduler', '--json'], env);
    stops.push(serve.child.stop);
    const serveUrl = `http://127.0.0.1:${String(serve.ready.port)}`;

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
        for (const k of MIX) {
          const before = await counters(simUrl);
          const out = await sendSlack(k);
          await settle([out], 120_000);
          if (!out.ok) throw new Error(`"${k.text}" as ${k.who}: ${out.detail}`);
          if (process.env.BENCH_SHOW) process.stderr.write(`${k.text}: ${replyText(answerOf(out).find((r) => !isPending(r.body))!.body).slice(0, 600)}\n`);
          const name = `${k.text}${round === 'again' ? ' (again)' : ''}`;
          callsPerCommand[name] = (await counters(simUrl)) - before;
          aloneMs[name] = out.answerMs!;
          const calls = await servedCalls(simUrl, out.sentAt, out.sentAt + out.answerMs!);
          depthPerCommand[name] = sequentialDepth(calls);
          if (process.env.BENCH_SHOW) process.stderr.write(`  ${name}: ${calls.map((x) => `${x.platform}:${x.fn}@${x.start - out.sentAt}-${x.end - out.sentAt}`).join(' ')}\n`);
        }
      }
    }

    // The load: N Slack commands and K Teams activities at once, cycling through the mix.
    const started = Date.now();
    const sends: Array<Promise<Outcome>> = [];
    for (let i = 0; i < o.commands; i++) sends.push(sendSlack(MIX[i % MIX.length]!));
    for (let i = 0; i < o.teams; i++) sends.push(sendTeams(MIX[(i + 3) % MIX.length]!));
    const outs = await Promise.all(sends);
    await settle(outs, 600_000);
    void started;
    const rss = fs.readFileSync(`/proc/${serve.child.proc.pid}/status`, 'utf8');
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(rss)?.[1] ?? 0);
    const times = outs.filter((x) => x.answerMs !== undefined).map((x) => x.answerMs!).sort((a, b) => a - b);
    const failures = outs.filter((x) => !x.ok).map((x) => ({ text: x.c.text, who: x.c.who, detail: x.detail ?? '' }));
    return {
      commands: o.commands,
      teams: o.teams,
      latencyMs: o.latency,
      cost: o.cost === 'none' ? 'none' : `${o.cost}, ${o.workers} workers`,
      firstMs: times[0] ?? -1,
      medianMs: times.length ? pct(times, 50) : -1,
      p99Ms: times.length ? pct(times, 99) : -1,
      lastMs: times[times.length - 1] ?? -1,
      pendingFirst: outs.filter((x) => x.pendingMs !== undefined).length,
      callsPerCommand,
      depthPerCommand,
      aloneMs: o.calls ? aloneMs : undefined,
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
    .parse(process.argv);
  const raw = cmd.opts<{ commands: string; teams: string; latency: string; cost: string; workers: string; calls?: boolean }>();
  const o: Options = { commands: Number(raw.commands), teams: Number(raw.teams), latency: Number(raw.latency), cost: raw.cost === 'moodle' ? 'moodle' : 'none', workers: Number(raw.workers), calls: Boolean(raw.calls) };
  if (raw.cost !== 'none' && raw.cost !== 'moodle') throw new Error('--cost takes none or moodle');
  if (![o.commands, o.teams, o.latency, o.workers].every((n) => Number.isInteger(n) && n >= 0) || o.commands + o.teams < 1) throw new Error('--commands, --teams, --latency and --workers take whole numbers (at least one command)');
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
