/**
 * Where a private notice goes, one adapter per platform behind one face: Teams (the 1:1 conversation
 * kept when the person last talked to the bot — none kept: unreachable) and Slack (users.lookupByEmail,
 * conversations.open, chat.postMessage — no Slack account for the e-mail: unreachable). A platform's
 * 429 becomes `RetryLater` with its Retry-After, for the queue to honour.
 */
import { WebClient } from '@slack/web-api';
import type { View } from '../bot/views';
import type { Config } from '../config';
import type { TeamsProactive } from '../channels/teams/proactive';
import { fallbackText, renderBlocks } from '../channels/slack/blocks';
import type { Store } from '../store/types';

/** The platform said "too many": try again after `ms`. */
export class RetryLater extends Error {
  constructor(
    readonly ms: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Delivery {
  readonly name: 'teams' | 'slack';
  /**
   * Sends the view (built in the person's language) privately; false when the person cannot be reached
   * here. `pace` is awaited before the platform is called (the sender's rate for this platform).
   */
  send(email: string, build: (locale?: string) => View, pace: () => Promise<void>): Promise<boolean>;
}

/** Seconds of a Retry-After header (or an error's retryAfter), as milliseconds; undefined when the error is not a 429. */
export function retryAfterMs(err: unknown): number | undefined {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; status?: number; response?: { status?: number; headers?: Record<string, string> | { get?: (k: string) => string | null } } };
  if (e?.code === 'slack_webapi_rate_limited_error') return Math.max(1, Number(e.retryAfter ?? 1)) * 1000;
  const status = e?.statusCode ?? e?.status ?? e?.response?.status;
  if (status !== 429) return undefined;
  const h = e.response?.headers;
  const raw = h && typeof (h as { get?: unknown }).get === 'function' ? (h as { get: (k: string) => string | null }).get('retry-after') : (h as Record<string, string> | undefined)?.['retry-after'];
  const s = Number(raw);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 1000;
}

export function teamsDelivery(teams: TeamsProactive): Delivery {
  return {
    name: 'teams',
    async send(email, build, pace) {
      const ref = await teams.conversations.person(email);
      if (!ref) return false;
      await pace();
      try {
        // In the person's language, as the chat answers them (the locale of their last activity; none kept: the default).
        await teams.send(ref, build(ref.locale));
      } catch (err) {
        const ms = retryAfterMs(err);
        if (ms !== undefined) throw new RetryLater(ms, 'teams: 429');
        throw err;
      }
      return true;
    },
  };
}

const slackKey = (email: string) => `slack:person:${email.trim().toLowerCase()}`;

/**
 * Slack with its own Web API client: rate-limited calls are not retried inside the client (which would
 * hold the sender for minutes) but handed back, so the row waits in the store for its Retry-After.
 * The DM channel of a person is kept in the store's state (keyed by e-mail: erased by `forget`), so the
 * next nights cost one call per person instead of three.
 */
export function slackDelivery(config: Config, store: Store): Delivery {
  const s = config.slack;
  const client = new WebClient(s.botToken, { slackApiUrl: s.apiUrl ? `${s.apiUrl.replace(/\/+$/, '')}/` : undefined, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const wrap = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      const ms = retryAfterMs(err);
      if (ms !== undefined) throw new RetryLater(ms, 'slack: rate limited');
      throw err;
    }
  };
  return {
    name: 'slack',
    async send(email, build, pace) {
      await pace();
      const saved = await store.getState(slackKey(email));
      let where = saved ? (JSON.parse(saved) as { user: string; channel: string; locale?: string }) : undefined;
      if (!where) {
        const found = await wrap(() => client.users.lookupByEmail({ email })).catch((err: unknown) => {
          if (err instanceof RetryLater) throw err;
          // users_not_found: no Slack account for this address.
          if ((err as { data?: { error?: string } }).data?.error === 'users_not_found') return undefined;
          throw err;
        });
        const user = found?.user;
        if (!user?.id || user.deleted || user.is_restricted || user.is_ultra_restricted) return false;
        if (s.teamIds.length > 0 && !s.teamIds.includes(user.team_id ?? '')) return false;
        const opened = await wrap(() => client.conversations.open({ users: user.id! }));
        const channel = opened.channel?.id;
        if (!channel) return false;
        where = { user: user.id, channel, locale: (user as { locale?: string }).locale };
        await store.setState(slackKey(email), JSON.stringify(where));
      }
      const view = build(where.locale);
      await wrap(() => client.chat.postMessage({ channel: where.channel, text: fallbackText(view), blocks: renderBlocks(view) as never }));
      return true;
    },
  };
}
