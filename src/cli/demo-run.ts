/**
 * `cohortbot demo [--script]`: everything on embedded defaults — the Moodle simulator with two
 * platforms, the bundled directory, a first sync, the HTTP endpoints and a terminal chat. Anything set
 * in the environment or .env (a real LDAP, a real Moodle, Teams/Slack credentials) is used instead.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { App } from '../app';
import { BotCore } from '../bot/core';
import { TerminalChat } from '../channels/cli/chat';
import { renderText } from '../channels/cli/render';
import { loadConfig } from '../config';
import { Roster, createDirectorySource } from '../directory';
import type { DirectoryRead, DirectorySource, LookupResult, Student } from '../directory/types';
import { createLogger } from '../log';
import { createPlatformApis } from '../moodle/platforms';
import { MoodleSimulator } from '../simulator/server';
import { readSeedFile } from '../simulator/seed';
import { openStore } from '../store';
import { SyncEngine } from '../sync/engine';
import { DEMO_SEED } from './simulator';
import { DEMO_ADMIN, DEMO_SUPPORT, DEMO_TEACHER } from './demo';
import { runStatusText } from '../i18n/codes';
import { demoEn } from '../i18n/en/demo';
import { formatDate } from '../i18n/format';
import { demoFr } from '../i18n/fr/demo';
import { localeOf } from '../i18n/locale';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'fixtures');

/** The demo directory, from which the scripted conversation can make whole étapes "disappear". */
class DemoDirectory implements DirectorySource {
  readonly dropped = new Set<string>();
  constructor(private readonly inner: DirectorySource) {}
  describe() {
    return this.inner.describe();
  }
  private trim = <S extends Pick<Student, 'inscriptions'>>(s: S): S => ({ ...s, inscriptions: s.inscriptions.filter((i) => !this.dropped.has(i.etape)) });
  async read(into?: Roster): Promise<DirectoryRead> {
    if (this.dropped.size === 0) return this.inner.read(into);
    const r = await this.inner.read();
    return { ...r, roster: Roster.from([...r.roster.students()].map(this.trim), into) };
  }
  async lookup(key: string): Promise<LookupResult> {
    const r = await this.inner.lookup(key);
    return r.student ? { ...r, student: this.trim(r.student) } : r;
  }
}

const out = (s = '') => process.stdout.write(`${s}\n`);

async function freePort(preferred: number): Promise<number> {
  const tryPort = (p: number) =>
    new Promise<number | undefined>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen(p, '127.0.0.1', () => srv.close(() => resolve((srv.address() as net.AddressInfo | null)?.port ?? p)));
    });
  return (await tryPort(preferred)) ?? (await tryPort(0))!;
}

/** The demo itself (loaded only when `cohortbot demo` runs: it needs the whole bot). */
export async function runDemo(opts: { script?: boolean; as: string; lang?: string }): Promise<void> {
  const env = process.env;
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  // A closed terminal (tmux kill, ssh drop) sends SIGHUP, whose default ends the process before the
  // temporary directory with the demo's database and settings is removed.
  process.once('SIGHUP', () => void stopAll().then(() => process.exit(129)));
  try {
    let sim: MoodleSimulator | undefined;
    if (!env.MOODLE_PLATFORMS) {
      sim = new MoodleSimulator({ platforms: readSeedFile(DEMO_SEED).platforms, knobs: { latencyMs: Number(env.DEMO_LATENCY_MS ?? 0) } });
      const started = await sim.start();
      stops.push(() => sim!.stop());
      const routes: Record<string, string> = { ecampus: '*PHA*,*DRT*,*SCI*,*INF*,L2T1*', collegium: 'DU*,*LEA*,M2*' };
      env.MOODLE_PLATFORMS = started.platforms.map((p) => p.name).join(',');
      for (const p of started.platforms) {
        const P = `MOODLE_${p.name.toUpperCase()}`;
        env[`${P}_URL`] = p.url;
        env[`${P}_TOKEN`] = p.token;
        env[`${P}_ETAPES`] ??= routes[p.name] ?? '*';
        env[`${P}_MAX_INPUT_VARS`] ??= String(sim.site(p.name).settings.maxInputVars);
      }
      env.MOODLE_ECAMPUS_AUTO_SPACE_CATEGORIES ??= 'AUTO';
    }
    if (!env.DIRECTORY_SOURCE && !env.DIRECTORY_FILE) {
      env.DIRECTORY_SOURCE = 'file';
      env.DIRECTORY_FILE = path.join(FIXTURES, 'demo-directory.ldif');
      env.ETAPE_LABELS_FILE ??= path.join(FIXTURES, 'etapes.csv');
      env.DIRECTORY_UAI ??= '0141408E';
      // The bundled directory is for academic year 2026-2027: pin it so the demo behaves the same any day.
      env.ACADEMIC_YEAR ??= '2026';
    }
    env.SUPPORT_USERS ??= DEMO_SUPPORT;
    env.ADMIN_USERS ??= DEMO_ADMIN;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohortbot-demo-'));
    const removeDataDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
    stops.push(removeDataDir);
    // Also on a crash or any exit path that skips the stops: the directory holds the demo's settings and store.
    process.once('exit', removeDataDir);
    env.DATABASE_URL ??= `sqlite:${path.join(dataDir, 'cohortbot.db')}`;
    // Without a Bot Framework registration, Teams is the Emulator's: local mode, loopback callers only.
    if (!env.MicrosoftAppId) env.TEAMS_LOCAL_MODE ??= 'true';
    env.PORT = String(await freePort(Number(env.PORT ?? 3978)));

    const config = loadConfig(env);
    const logger = createLogger(env.LOG_LEVEL ?? 'warn');
    const store = openStore(config.databaseUrl);
    stops.push(() => store.close());
    const directory = new DemoDirectory(createDirectorySource(config, logger));
    const apis = createPlatformApis(config, logger);
    let lastProgress = '';
    const engine = new SyncEngine({
      config,
      directory,
      apis,
      store,
      logger,
      onProgress: (p) => {
        const line = `  ${p.platform}: ${p.phase} ${p.done}/${p.total}`;
        if (line !== lastProgress && (p.done === p.total || p.done % 50 < 10)) process.stderr.write(`${line}\n`);
        lastProgress = line;
      },
    });
    const app: App = { config, logger, store, directory, apis, engine, close: async () => undefined };

    const locale = localeOf(opts.lang);
    const w = locale === 'en' ? demoEn : demoFr;
    out(w.title);
    out(w.directory(directory.describe()));
    out(w.platforms(config.platforms.map((p) => `${p.name} (${p.url})`).join(', ')));
    out(w.firstSync);
    const first = await engine.run({ trigger: 'demo' });
    for (const p of first.platforms) out(w.platform(p));
    out(w.outcome(runStatusText(first.status, locale), first.durationMs ?? 0, first.runId));

    const { serve } = await import('../server');
    const running = await serve(app, { port: Number(env.PORT), host: '127.0.0.1' });
    stops.push(() => running.stop());
    out();
    const colon = locale === 'en' ? ':' : ' :';
    out(w.serving);
    if (sim) out(`  ${w.simulated.padEnd(17)} ${config.platforms.map((p) => p.url).join('  ')}`);
    out(`  ${'Teams'.padEnd(17)} ${w.teams(running.url, Boolean(config.teams.appId))}`);
    out(`  ${'Slack'.padEnd(17)} ${config.slack.signingSecret ? `POST ${running.url}/slack/events` : w.slackOff}`);
    out(`  ${w.health.padEnd(17)} ${running.url}/healthz  ${running.url}/metrics`);
    const next = running.scheduler.nextRun();
    out(w.nextRun(next ? formatDate(next, locale, config.academicYear.timezone, true) : '—'));
    out();
    out(w.tryThese);
    out(`  ${w.teacher} (${DEMO_TEACHER})${colon} ${w.tries.teacher}`);
    out(`  support (${DEMO_SUPPORT})${colon} ${w.tries.support}`);
    out(`  admin (${DEMO_ADMIN})${colon} ${w.tries.admin}`);
    out(w.switchPerson);
    // A second terminal can talk to this very demo (same simulator, directory and store).
    const envFile = path.join(dataDir, 'demo.env');
    const shared = Object.entries(env).filter(([k]) => /^(MOODLE_|DIRECTORY_|ETAPE_LABELS_FILE$|ACADEMIC_YEAR$|SUPPORT_USERS$|ADMIN_USERS$|DATABASE_URL$|USER_MATCH$|COHORT_)/.test(k));
    fs.writeFileSync(envFile, shared.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n') + '\n', { mode: 0o600 });
    out(w.secondTerminal(`COHORTBOT_ENV_FILE=${envFile} npx cohortbot chat --as ${DEMO_SUPPORT} [--lang en]`));
    out();

    const core = new BotCore(app);
    if (opts.script) {
      const ok = await runScript(core, directory, w);
      await stopAll();
      process.exit(ok ? 0 : 1);
    }
    await new TerminalChat(core, { as: opts.as, locale }).run({});
    await stopAll();
    process.exit(0);
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The scripted conversation: every step must give the expected answer, or the demo fails loudly. */
async function runScript(core: BotCore, directory: DemoDirectory, w: typeof demoFr): Promise<boolean> {
  let failures = 0;
  let lastText = '';
  const say = async (who: string, line: string, expect: RegExp) => {
    const view = await core.handle({ channel: 'cli', chatUserId: who, email: who, locale: 'fr', conversation: 'private' }, line);
    // Words are checked typography aside (French no-break spaces are the renderer's).
    lastText = renderText(view).replace(/[\u00a0\u202f]/g, ' ');
    out(`${who}> ${line}`);
    out(lastText.replace(/^/gm, '  '));
    if (!expect.test(lastText)) {
      failures++;
      out(w.scriptFailed(String(expect)));
    }
    out();
    return lastText;
  };
  await say(DEMO_TEACHER, 'chercher pharma', /etp:L2PHA1/);
  await say(DEMO_TEACHER, 'ajouter etp:L2PHA1 à PHA-L2-101 rôle étudiant groupe aucun', /Ajouter une synchronisation de cohorte/);
  await say(DEMO_TEACHER, 'oui', /C’est fait : .* \d+ étudiants? y (est|sont) maintenant inscrits?/);
  await say('paul.martin@univ-demo.fr', 'ajouter etp:L2PHA1 à PHA-L2-102', /Vous ne pouvez pas modifier les méthodes/);
  await say(DEMO_TEACHER, 'état', /Dernière synchronisation/);
  await say(DEMO_SUPPORT, 'pourquoi e21900011 PHA-L2-101', /A accès au cours/);
  await say(DEMO_SUPPORT, 'pourquoi e21900011 PHA-L3-201', /Le cours ne synchronise pas etp:/);
  out(w.dropped);
  out();
  directory.dropped.add('L1DRT1').add('M1DRT2');
  const sync = await say(DEMO_ADMIN, 'synchroniser tout', /retraits retenus/);
  const run = /r\d{8}-\d{6}-[0-9a-f]{4}/.exec(sync)?.[0] ?? 'r?';
  await say(DEMO_ADMIN, `approuver ${run}`, /retraits? retenus?, par cohorte/);
  await say(DEMO_ADMIN, 'oui', /appliqués : \d+ retiré/);
  out(failures === 0 ? w.scriptOk : w.scriptFailures(failures));
  return failures === 0;
}
