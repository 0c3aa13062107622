/**
 * Teams in front of the command core. All of `botbuilder` stays in src/channels/teams/, so moving to
 * the Microsoft 365 Agents SDK (the Bot Framework SDK is archived) touches this folder only.
 */
import { ActivityHandler, CardFactory, ConversationReference, MessageFactory, TeamsInfo, TurnContext } from 'botbuilder';
import type { BotCore } from '../../bot/core';
import type { Identity } from '../../bot/context';
import { catalog } from '../../bot/i18n';
import { formCommand, type View } from '../../bot/views';
import type { Logger } from '../../log';
import type { Store } from '../../store/types';
import { cardFallbackText, renderCard } from './cards';
import { TeamsMember, foreignTenant, tenantOf, verifiedIdentity } from './tenant';

/** Who is talking: the roster's entry for this turn's user. Behind an interface so tests can feed identities. */
export interface TeamsIdentityResolver {
  resolve(ctx: TurnContext): Promise<TeamsMember>;
}

export const teamsInfoResolver: TeamsIdentityResolver = {
  async resolve(ctx) {
    const m = await TeamsInfo.getMember(ctx, ctx.activity.from.id);
    return { email: m.email ?? undefined, userPrincipalName: m.userPrincipalName ?? undefined, aadObjectId: m.aadObjectId ?? undefined };
  },
};

export interface PrivateSender {
  /** Sends a view in a 1:1 conversation with the user of this turn. */
  sendPrivately(ctx: TurnContext, view: View): Promise<void>;
}

export class CohortTeamsBot extends ActivityHandler {
  constructor(
    private readonly core: BotCore,
    _store: Store,
    private readonly identities: TeamsIdentityResolver,
    private readonly privately: PrivateSender,
    private readonly log: Logger,
    /** MicrosoftAppTenantId: activities from any other tenant are nobody (SingleTenant). */
    private readonly tenantId?: string,
  ) {
    super();
    this.onMessage(async (ctx, next) => {
      await this.handleMessage(ctx);
      await next();
    });
    // Installs and conversation events change nothing: the summary's target is configuration
    // (TEAMS_DIGEST_CONVERSATION_ID) or an admin's `résumé ici`, never a side effect of being added.
  }

  /** Every activity of another tenant is refused before any handler sees it: no reply, nothing kept. */
  override async run(ctx: TurnContext): Promise<void> {
    if (foreignTenant(ctx.activity, this.tenantId)) {
      this.log.warn({ tenant: tenantOf(ctx.activity) ?? null, type: ctx.activity.type }, 'teams: activity from another tenant refused');
      return;
    }
    await super.run(ctx);
  }

  /** The command text of a turn: a card button's payload, a submitted form, or the message without the mention. */
  static commandOf(ctx: TurnContext): string {
    const value = ctx.activity.value as Record<string, unknown> | undefined;
    if (value && typeof value.cohortbot === 'string') return value.cohortbot;
    if (value && typeof value.cohortbotForm === 'string') return formCommand({ id: 'form', title: '', fields: [], command: value.cohortbotForm, submitLabel: '' }, Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])));
    return (TurnContext.removeRecipientMention(ctx.activity) ?? ctx.activity.text ?? '').trim();
  }

  private async handleMessage(ctx: TurnContext): Promise<void> {
    const text = CohortTeamsBot.commandOf(ctx);
    const shared = ctx.activity.conversation.conversationType !== 'personal';
    let who: { upn?: string; aadObjectId?: string } = {};
    try {
      who = verifiedIdentity(await this.identities.resolve(ctx), ctx.activity);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'teams: could not resolve the user');
    }
    const identity: Identity = {
      channel: 'teams',
      chatUserId: ctx.activity.from.aadObjectId ?? ctx.activity.from.id,
      upn: who.upn,
      locale: ctx.activity.locale,
      conversation: shared ? 'shared' : 'private',
      // Where an admin's `résumé ici` would send the summary: this channel, as a new post (not a reply in this thread).
      replyTo: shared ? JSON.stringify(channelReference(ctx)) : undefined,
    };
    const view = await this.core.handle(identity, text);
    if (view.private && shared) {
      await this.privately.sendPrivately(ctx, view);
      await ctx.sendActivity(catalog(ctx.activity.locale).privateSent);
      return;
    }
    await ctx.sendActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(renderCard(view)), cardFallbackText(view)), textFormat: 'plain' });
  }
}

/** The conversation of a turn as a place to post to later: the channel itself, not the thread of this message. */
function channelReference(ctx: TurnContext): Partial<ConversationReference> {
  const ref = TurnContext.getConversationReference(ctx.activity);
  return { ...ref, activityId: undefined, conversation: { ...ref.conversation!, id: ref.conversation!.id.split(';')[0]! } };
}

export type { ConversationReference };
