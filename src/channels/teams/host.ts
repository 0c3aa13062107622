/**
 * What the Teams channel needs from a Bot Framework host, whichever SDK provides it: the Microsoft 365
 * Agents SDK (`TEAMS_SDK=agents`, the default) or the archived Bot Framework SDK (`botbuilder`). The
 * channel (bot.ts, cards.ts, proactive.ts) speaks only this; each host file is the one place its SDK
 * is imported.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdaptiveCard } from './cards';
import type { TeamsMember } from './tenant';

/** The fields of an incoming activity the channel reads (plain JSON, as the Bot Connector sends it). */
export interface TeamsActivity {
  type: string;
  name?: string;
  id?: string;
  replyToId?: string;
  text?: string;
  value?: unknown;
  locale?: string;
  serviceUrl?: string;
  channelId?: string;
  from: { id: string; aadObjectId?: string; name?: string };
  recipient: { id: string; name?: string };
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  channelData?: unknown;
  membersAdded?: Array<{ id: string }>;
}

/** Where a proactive message goes: serialisable, kept in the store. */
export interface ConversationRef {
  channelId: string;
  serviceUrl: string;
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  bot: { id: string; name?: string };
  user?: { id: string; aadObjectId?: string };
  /** The person's locale as their last activity carried it (a kept 1:1 conversation): their notices are written in it. */
  locale?: string;
}

export interface CardMessage {
  card: AdaptiveCard;
  /** Notification and no-card text. */
  text: string;
}

/** One turn, as the channel sees it. */
export interface TeamsTurn {
  readonly activity: TeamsActivity;
  /** The text with the bot's @mention removed. */
  textWithoutMention(): string;
  reference(): ConversationRef;
  /** Sends a card in this conversation; the new message's id. */
  send(message: CardMessage): Promise<string | undefined>;
  sendText(text: string): Promise<void>;
  /** Shows the bot typing (a slow answer is coming). */
  typing(): Promise<void>;
  /** Replaces a message of this conversation (a card whose action was carried out) for everyone. */
  update(activityId: string, message: CardMessage): Promise<void>;
  /** The Teams member behind `from` (UPN, AAD object id, e-mail), asked of the Bot Connector. */
  member(): Promise<TeamsMember>;
  /** Sends a card in a 1:1 conversation with the person of this turn. */
  sendPrivately(message: CardMessage): Promise<void>;
  /** The HTTP answer to an invoke activity (e.g. the refreshed card of an `adaptiveCard/action`). */
  invokeResponse(body: unknown, status?: number): Promise<void>;
}

export type TurnHandler = (turn: TeamsTurn) => Promise<void>;

/** A request as restify hands it over, body already parsed. */
export type HostRequest = IncomingMessage & { body?: unknown; user?: unknown };

export interface TeamsHost {
  readonly sdk: 'agents' | 'botbuilder';
  /** Authenticates the request (401 and nothing run when it fails), then runs one turn. */
  handle(req: HostRequest, res: ServerResponse, onTurn: TurnHandler): Promise<void>;
  /** Posts a card to a kept conversation; the message id (for later updates). */
  post(ref: ConversationRef, message: CardMessage): Promise<string>;
  update(ref: ConversationRef, activityId: string, message: CardMessage): Promise<void>;
}

export class TeamsConfigError extends Error {
  override name = 'TeamsConfigError';
}

/** The attachment both SDKs send for a card. */
export const cardAttachment = (card: AdaptiveCard) => ({ contentType: 'application/vnd.microsoft.card.adaptive', content: card });

/**
 * Runs a proactive turn (a notice, a summary, a card update) and hands back what failed inside it.
 * Both SDKs' adapters catch a failure of the turn's logic and give it to `onTurnError`, which would
 * post "internal error" in the person's conversation and return as if all went well: a send refused
 * by the Bot Connector — a 429 with its Retry-After — must reach the caller instead (the notice queue
 * honours it), with nothing else posted.
 */
export async function proactive<C>(continueWith: (logic: (ctx: C) => Promise<void>) => Promise<unknown>, logic: (ctx: C) => Promise<void>): Promise<void> {
  let failed: { err: unknown } | undefined;
  await continueWith(async (ctx) => {
    try {
      await logic(ctx);
    } catch (err) {
      failed = { err };
    }
  });
  if (failed) throw failed.err;
}
