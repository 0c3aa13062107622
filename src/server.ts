/**
 * `serve`: one HTTP server (restify) with the Teams endpoint, /healthz and /metrics, and the
 * scheduler whose runs end with the digest. Slack joins on the same port when configured.
 */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import restify from 'restify';
import type { App } from './app';
import { BotCore } from './bot/core';
import { digestView } from './bot/digest';
import { CohortTeamsBot, TeamsIdentityResolver, teamsInfoResolver } from './channels/teams/bot';
import { createTeamsHost } from './channels/teams/auth-settings';
import { Posted, TeamsProactive } from './channels/teams/proactive';
import { SlackChannel, createSlackChannel, slackConfigured } from './channels/slack/app';
import { Metrics } from './observability/metrics';
import { Notifier, noticesLine } from './notify';
import { Scheduler } from './sync/scheduler';
import { heldDecision, shownRun, syncStatus } from './sync/status';

/** 127.0.0.0/8 and ::1, including IPv4-mapped IPv6 addresses. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** Constant-time comparison of a bearer token. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && crypto.timingSafeEqual(given, wanted);
}

export interface Running {
  port: number;
  url: string;
  core: BotCore;
  scheduler: Scheduler;
  metrics: Metrics;
  slack?: SlackChannel;
  /** Proactive Teams messages through the selected SDK (absent when the Teams endpoint is off). */
  teams?: TeamsProactive;
  /** Replaces posted summaries whose held removals were decided since (also run after each run and decision). */
  refreshResolvedDigests(): Promise<void>;
  /** Private notices after scheduled runs: the queue and its sender (src/notify/). */
  notifier: Notifier;
  stop(): Promise<void>;
}

export interface ServeOptions {
  port?: number;
  host?: string;
  scheduler?: boolean;
  teamsIdentities?: TeamsIdentityResolver;
}

export async function serve(app: App, opts: ServeOptions = {}): Promise<Running> {
  const { config, logger } = app;
  const metrics = new Metrics();
  metrics.observe(app.apis);
  const core = new BotCore(app);
  core.onCommand = (channel, command, outcome) => {
    metrics.chatCommands.inc({ channel, command, outcome });
    // An approval or rejection may have resolved a posted summary: its buttons go.
    if (command === 'confirm' || command === 'reject') void refreshResolvedDigests().catch((err: Error) => logger.warn({ err: err.message }, 'digest refresh failed'));
  };
  const server = restify.createServer({ name: 'cohortbot', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser());

  // Teams only with an app id (Bot Framework authentication), or in local mode for the Emulator,
  // which answers loopback callers only. Otherwise the route does not exist (404).
  const teamsMode = config.teams.appId ? 'authenticated' : config.teams.localMode ? 'local' : 'off';
  // TEAMS_SDK picks the host (Agents SDK or botbuilder); the channel and everything it sends are the same.
  const teamsHost = teamsMode === 'off' ? undefined : createTeamsHost(config, logger);
  const teams = teamsHost ? new TeamsProactive(teamsHost, config, app.store) : undefined;
  if (teamsHost) {
    const teamsBot = new CohortTeamsBot(core, app.store, opts.teamsIdentities ?? teamsInfoResolver, logger, config.teams.tenantId, config.academicYear.timezone);
    server.post('/api/messages', restify.plugins.bodyParser({ maxBodySize: 1 << 20 }), async (req, res) => {
      if (teamsMode === 'local' && !isLoopback(req.socket.remoteAddress)) {
        res.send(403, { error: 'TEAMS_LOCAL_MODE answers loopback callers only' });
        return;
      }
      // Not an activity at all (no type, conversation, sender or service URL): a 400, not the SDK's 500.
      // Authenticated, the token is checked first: whoever is not signed in gets a 401, whatever the body.
      const a = req.body as { type?: unknown; serviceUrl?: unknown; conversation?: { id?: unknown }; from?: { id?: unknown } } | undefined;
      if (teamsMode === 'local' && (!a || typeof a.type !== 'string' || typeof a.serviceUrl !== 'string' || typeof a.conversation?.id !== 'string' || typeof a.from?.id !== 'string')) {
        res.send(400, { error: 'bad request' });
        return;
      }
      await teamsHost.handle(req, res, (turn) => teamsBot.run(turn));
    });
  } else logger.info('Teams endpoint off: set MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType and MicrosoftAppTenantId (or TEAMS_LOCAL_MODE=true for the Bot Framework Emulator)');

  let slack: SlackChannel | undefined;
  if (slackConfigured(config)) {
    slack = createSlackChannel(core, config, logger, app.store);
    const listener = slack.requestListener;
    // Bolt reads and verifies the raw body itself: no body parser on this route.
    if (listener) {
      // Bolt reads, verifies and answers the raw request itself, so it sits in front of restify's routing.
      const raw = server.server;
      const restifyHandlers = raw.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
      raw.removeAllListeners('request');
      raw.on('request', (req: IncomingMessage, res: ServerResponse) => {
        if (req.method === 'POST' && (req.url ?? '').split('?')[0] === '/slack/events') listener(req, res);
        else for (const h of restifyHandlers) h.call(raw, req, res);
      });
    }
    else await slack.app.start();
  }

  server.get('/healthz', async (_req, res) => {
    const nextRun = scheduler.nextRun()?.toISOString() ?? null;
    // The process serves while its database restarts: alive (200), and saying the store is away.
    // The last run as `status --json` shows it (sync/status.ts shownRun): a held run since decided is `held`, with its decision.
    const now = await syncStatus(app.store, config.schedule, { runs: 5, held: false })
      .then(async (s) => ({ ...s, last: s.lastRuns[0] ? await shownRun(app.store, s.lastRuns[0], s.lastRuns) : undefined }))
      .catch((err: Error) => err);
    if (now instanceof Error) return void res.json(200, { ok: true, store: 'unavailable', storeError: now.message, nextRun });
    const last = now.last;
    res.json(200, { ok: true, store: 'ok', lastRun: last ? { runId: last.runId, status: last.status, finishedAt: last.finishedAt ?? null, ...(last.decision ? { decision: last.decision } : {}) } : null, syncRunning: Boolean(now.running), nextRun });
  });
  server.get('/metrics', async (req, res) => {
    if (config.metricsToken && !bearerMatches(req.headers.authorization, config.metricsToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      res.send(401, { error: 'METRICS_TOKEN required' });
      return;
    }
    const body = await metrics.registry.metrics();
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.writeHead(200);
    res.end(body);
  });

  /**
   * Posted summaries whose removals were held keep Approve/Reject buttons until the plan is decided
   * (approved, rejected, or superseded by a later run — in chat, on the CLI or on another replica):
   * then the message is replaced by the resolved summary, without buttons.
   */
  const OPEN = 'digest:open';
  const openDigests = async (): Promise<string[]> => JSON.parse((await app.store.getState(OPEN)) ?? '[]') as string[];
  const refreshResolvedDigests = async (): Promise<void> => {
    const open = await openDigests();
    const still: string[] = [];
    for (const runId of open) {
      const held = await app.store.getHeldPlan(runId);
      const run = await app.store.getRun(runId);
      if (held?.status === 'held' || !run) {
        if (held?.status === 'held') still.push(runId);
        continue;
      }
      // The decision as status says it: approved (by whom, how many removed, by which run), rejected, superseded (none applied).
      const decision = held ? ((await heldDecision(app.store, run, await app.store.lastRuns(50))) ?? { status: held.status, by: held.decidedBy ?? '?', removals: held.removals.length }) : undefined;
      const view = digestView(run, null, undefined, config.academicYear.timezone, decision);
      const where = JSON.parse((await app.store.getState(`digest:${runId}`)) ?? '{}') as { slack?: { channel: string; ts: string }; teams?: Posted };
      if (where.slack && slack) await slack.updateDigest(where.slack, view).catch((err: Error) => logger.warn({ err: err.message }, 'slack digest update failed'));
      if (where.teams && teams) await teams.update(where.teams, view).catch((err: Error) => logger.warn({ err: err.message }, 'teams digest update failed'));
      await app.store.setState(`digest:${runId}`, '');
    }
    if (still.length !== open.length) await app.store.setState(OPEN, JSON.stringify(still));
  };

  const notifier = new Notifier({ config, store: app.store, apis: app.apis, logger, teams, slack: Boolean(slack) });

  const scheduler = new Scheduler({
    cron: config.schedule.cron,
    timezone: config.schedule.timezone,
    engine: app.engine,
    store: app.store,
    logger,
    onRun: async (run) => {
      metrics.recordRun(run);
      // The run is recorded: its private notices are queued and sent in the background (never awaited here).
      void notifier.afterRun(run);
      const view = digestView(run, scheduler.nextRun(), undefined, config.academicYear.timezone);
      // The previous run's notices, once sent: how many reached their teachers, and how many could not be.
      const previous = (await app.store.lastRuns(2).catch(() => [])).find((r) => r.runId !== run.runId);
      const line = previous ? await noticesLine(app.store, previous.runId).catch(() => undefined) : undefined;
      if (line) view.blocks.push(line);
      const where: { slack?: { channel: string; ts: string }; teams?: Posted } = {};
      try {
        const posted = teams ? await teams.postSummary(view) : undefined;
        if (posted) where.teams = posted;
        else logger.info('no Teams digest conversation configured');
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'teams digest failed');
      }
      try {
        const posted = slack ? await slack.postDigest(view) : undefined;
        if (posted) where.slack = posted;
        else logger.info('no Slack digest channel configured');
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'slack digest failed');
      }
      if (run.status === 'held' && (where.slack || where.teams)) {
        await app.store.setState(`digest:${run.runId}`, JSON.stringify(where));
        await app.store.setState(OPEN, JSON.stringify([...(await openDigests()), run.runId]));
      }
      await refreshResolvedDigests().catch((err: Error) => logger.warn({ err: err.message }, 'digest refresh failed'));
    },
  });
  if (opts.scheduler !== false) scheduler.start();
  // Notices a stopped process left queued go out now (rows it left mid-send are closed, never re-sent).
  notifier.start();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? config.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  logger.info({ port }, 'cohortbot listening');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    core,
    scheduler,
    metrics,
    slack,
    teams,
    refreshResolvedDigests,
    notifier,
    async stop() {
      scheduler.stop();
      await notifier.stop();
      await slack?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold close() open for minutes.
      server.server.closeAllConnections();
      await closed;
    },
  };
}
