/**
 * Slack in front of the command core (@slack/bolt). `/cohort <command>` is acknowledged at once; the
 * work goes on after the ack and answers ephemerally through response_url, so nothing personal lands
 * in a channel. Buttons and the "add" modal go through the same core, with the clicker's rights.
 */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, isValidSlackRequest } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { BotCore } from '../../bot/core';
import type { Identity } from '../../bot/context';
import { addForm } from '../../bot/forms';
import { formCommand, type View } from '../../bot/views';
import type { Config } from '../../config';
import type { Logger } from '../../log';
import type { Store } from '../../store/types';
import { fallbackText, renderBlocks, renderModal } from './blocks';
import { catalog } from '../../i18n';

export interface SlackChannel {
  app: App;
  /** Mounts on an existing HTTP server (restify), at POST /slack/events. */
  requestListener?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Posts the digest to SLACK_DIGEST_CHANNEL; returns where (for later updates), or undefined when none is configured. */
  postDigest(view: View): Promise<{ channel: string; ts: string } | undefined>;
  updateDigest(where: { channel: string; ts: string }, view: View): Promise<void>;
  stop(): Promise<void>;
}

interface SlackUser {
  email?: string;
  locale?: string;
  /** Why this person is nobody to the bot (another workspace, a guest, a Slack Connect stranger). */
  refused?: string;
}

export { addForm };

export function createSlackChannel(core: BotCore, config: Config, log: Logger, store: Store): SlackChannel {
  const s = config.slack;
  const clientOptions = s.apiUrl ? { slackApiUrl: `${s.apiUrl.replace(/\/+$/, '')}/` } : undefined;
  const common = { token: s.botToken, logLevel: LogLevel.ERROR, clientOptions, tokenVerificationEnabled: !s.apiUrl };
  let receiver: HTTPReceiver | undefined;
  let app: App;
  if (s.appToken) {
    app = new App({ ...common, appToken: s.appToken, socketMode: true });
  } else {
    // Bolt answers 404 to a request its listener has not acknowledged within 3 s, and the listener's
    // late ack() then throws: the command is lost without a word. Under load (hundreds of commands at
    // once on a busy machine) the event loop can reach the ack that late; a late ack still lets the
    // answer arrive on response_url, so the request is held open longer rather than dropped.
    receiver = new HTTPReceiver({ signingSecret: s.signingSecret ?? '', endpoints: '/slack/events', processBeforeResponse: false, logLevel: LogLevel.ERROR, unhandledRequestTimeoutMillis: SLACK_LATE_ACK_MS });
    app = new App({ ...common, receiver });
  }

  // users.info gives the e-mail (users:read.email) and the locale; kept a few minutes.
  const cache = new Map<string, { at: number; user: SlackUser }>();
  const allowedTeams = new Set(s.teamIds);
  /** users.info asked once for a person's commands arriving together (two hundred at once ask it six times, not two hundred). */
  const asking = new Map<string, Promise<SlackUser>>();
  const whoIs = async (client: WebClient, userId: string): Promise<SlackUser> => {
    const hit = cache.get(userId);
    if (hit && Date.now() - hit.at < 300_000) return hit.user;
    let pending = asking.get(userId);
    if (!pending) {
      asking.set(userId, (pending = askSlack(client, userId)));
      void pending.finally(() => asking.delete(userId)).catch(() => undefined);
    }
    return pending;
  };
  const askSlack = async (client: WebClient, userId: string): Promise<SlackUser> => {
    const r = await client.users.info({ user: userId, include_locale: true });
    const u = r.user as (typeof r.user & { is_stranger?: boolean }) | undefined;
    const refused = !u
      ? 'unknown user'
      : u.deleted
        ? 'deactivated'
        : u.is_stranger
          ? 'external (Slack Connect)'
          : u.is_restricted || u.is_ultra_restricted
            ? 'guest'
            : allowedTeams.size > 0 && !allowedTeams.has(u.team_id ?? '')
              ? 'another workspace'
              : undefined;
    const user = { email: refused ? undefined : (u?.profile?.email ?? undefined), locale: u?.locale ?? undefined, refused };
    cache.set(userId, { at: Date.now(), user });
    return user;
  };
  /** The person as Slack vouches for them; anyone the workspace rules exclude is nobody (help and whoami only). */
  const identity = async (client: WebClient, userId: string, teamId: string | undefined): Promise<Identity> => {
    if (allowedTeams.size > 0 && !allowedTeams.has(teamId ?? '')) {
      log.warn({ team: teamId ?? null }, 'slack: request from a workspace outside SLACK_TEAM_IDS, treated as unidentified');
      return { channel: 'slack', chatUserId: userId, conversation: 'private' };
    }
    const u = await whoIs(client, userId).catch((err: Error) => {
      log.warn({ err: err.message }, 'slack: users.info failed');
      return {} as SlackUser;
    });
    if (u.refused) log.warn({ reason: u.refused }, 'slack: user refused, treated as unidentified');
    return { channel: 'slack', chatUserId: userId, email: u.email, locale: u.locale, conversation: 'private' };
  };
  const message = (view: View) => ({ response_type: 'ephemeral' as const, replace_original: false, text: fallbackText(view), blocks: renderBlocks(view) });

  app.command('/cohort', async ({ command, ack, respond, client }) => {
    const text = command.text.trim();
    if (/^(ajouter|add)$/i.test(text)) {
      // The form opens before any slow call: the trigger id lives about three seconds.
      await ack();
      const who = await whoIs(client, command.user_id).catch(() => ({}) as SlackUser);
      await client.views.open({ trigger_id: command.trigger_id, view: renderModal(addForm(who.locale), JSON.stringify({ channel: command.channel_id, locale: who.locale })) as never });
      return;
    }
    await ack();
    // A slow answer gets a short "on it" first, which the answer then replaces.
    let onIt = false;
    const view = await core.handle(await identity(client, command.user_id, command.team_id), text || 'aide', async (said) => {
      await respond({ response_type: 'ephemeral', replace_original: false, text: said, blocks: [{ type: 'context', block_id: 'cohortbot:pending', elements: [{ type: 'mrkdwn', text: said }] }] });
      onIt = true;
    });
    await respond({ ...message(view), replace_original: onIt });
  });

  app.action(/^cohortbot:\d+$/, async ({ ack, body, action, respond, client }) => {
    await ack();
    const payload = (action as { value?: string }).value ?? '';
    // The clicker's own rights, not those of whoever ran the command that showed the button.
    const view = await core.handle(await identity(client, body.user.id, body.team?.id ?? (body.user as { team_id?: string }).team_id), payload);
    await respond(message(view));
  });

  app.view('cohortbot_form', async ({ ack, body, view, client }) => {
    const values: Record<string, string> = {};
    for (const [blockId, fields] of Object.entries(view.state.values)) {
      const v = fields.value as { value?: string | null; selected_option?: { value: string } | null } | undefined;
      values[blockId] = v?.selected_option?.value ?? v?.value ?? '';
    }
    // The modal was opened in the person's language; its metadata carries it to the refusal of an empty field.
    const { channel, locale } = JSON.parse(view.private_metadata || '{}') as { channel?: string; locale?: string };
    if (!values.course || !values.cohort) {
      const w = catalog(locale).forms;
      await ack({ response_action: 'errors', errors: { ...(values.course ? {} : { course: w.missingCourse }), ...(values.cohort ? {} : { cohort: w.missingCohort }) } });
      return;
    }
    await ack();
    const reply = await core.handle(await identity(client, body.user.id, body.team?.id ?? (body.user as { team_id?: string }).team_id), formCommand(addForm(), values));
    await client.chat.postEphemeral({ channel: channel ?? body.user.id, user: body.user.id, text: fallbackText(reply), blocks: renderBlocks(reply) as never });
  });

  // The cohort field of the modal searches as the person types (external_select).
  // Through the core as the person typing: they are offered only the cohorts they may use.
  app.options({ block_id: 'cohort' } as never, async ({ ack, payload, body, client }) => {
    const query = String((payload as { value?: string }).value ?? '').replace(/["\s]+/g, ' ').trim().slice(0, 100);
    const b = body as { user?: { id?: string; team_id?: string }; team?: { id?: string } };
    const who = await identity(client, b.user?.id ?? '', b.team?.id ?? b.user?.team_id);
    const cohorts = await core.searchCohorts(who, query);
    const options = cohorts.filter((c) => c.idnumber).slice(0, 100).map((c) => ({ text: { type: 'plain_text' as const, text: `${c.name} (${c.idnumber})`.slice(0, 75) }, value: c.idnumber }));
    await ack({ options });
  });

  app.error(async (err) => {
    log.error({ err: err.message }, 'slack handler failed');
  });

  /**
   * Replays: a correctly signed body seen in the last five minutes is refused before Bolt sees it. The
   * signature is checked first (a forged request must not burn a key), and the key is recorded in the
   * store, so every replica refuses it.
   */
  const requestListener = receiver
    ? (req: IncomingMessage, res: ServerResponse) => {
        void guardReplay(req, res, store, s.signingSecret ?? '', log).then((ok) => {
          if (ok) receiver!.requestListener(req, res);
        });
      }
    : undefined;

  return {
    app,
    requestListener,
    async postDigest(view: View) {
      if (!s.digestChannel) return undefined;
      const r = await app.client.chat.postMessage({ channel: s.digestChannel, text: fallbackText(view), blocks: renderBlocks(view) as never });
      return { channel: r.channel ?? s.digestChannel, ts: r.ts ?? '' };
    },
    async updateDigest(where, view) {
      if (!where.ts) return;
      await app.client.chat.update({ channel: where.channel, ts: where.ts, text: fallbackText(view), blocks: renderBlocks(view) as never });
    },
    async stop() {
      if (s.appToken) await app.stop();
    },
  };
}

/** Slack is on when it has a bot token and a way to receive (a signing secret, or Socket Mode). */
export const slackConfigured = (config: Config): boolean => Boolean(config.slack.botToken && (config.slack.signingSecret || config.slack.appToken));

const REPLAY_WINDOW_MS = 5 * 60_000;

/** How long a request may wait for its listener's ack before Bolt gives up on it (its default: 3 s). */
export const SLACK_LATE_ACK_MS = 15_000;

/** Buffers the body for Bolt (req.rawBody) and refuses a verified request already seen. */
async function guardReplay(req: IncomingMessage, res: ServerResponse, store: Store, signingSecret: string, log: Logger): Promise<boolean> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 1 << 20) {
        res.statusCode = 413;
        res.end();
        return false;
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    res.statusCode = 400;
    res.end();
    return false;
  }
  const raw = Buffer.concat(chunks);
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
  const sig = String(req.headers['x-slack-signature'] ?? '');
  const ts = Number(req.headers['x-slack-request-timestamp'] ?? 0);
  // Unsigned or forged: Bolt refuses it with its own 401; nothing is recorded.
  if (!sig || !isValidSlackRequest({ signingSecret, body: raw.toString(), headers: { 'x-slack-signature': sig, 'x-slack-request-timestamp': ts } })) return true;
  const now = new Date();
  const key = `slack:${crypto.createHash('sha256').update(`${ts}:${sig}`).digest('hex')}`;
  try {
    if (await store.rememberOnce(key, new Date(now.getTime() + REPLAY_WINDOW_MS), now)) return true;
  } catch (err) {
    // Cannot tell whether it is a replay: refuse (Slack retries), never guess.
    log.error({ err: (err as Error).message }, 'slack: replay check failed');
    res.statusCode = 503;
    res.end();
    return false;
  }
  res.statusCode = 401;
  res.end();
  return false;
}
