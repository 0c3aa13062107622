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

/** Who is talking: the UPN/e-mail Teams gives. Behind an interface so tests can feed identities. */
export interface TeamsIdentityResolver {
  resolve(ctx: TurnContext): Promise<{ email?: string; upn?: string }>;
}

export const teamsInfoResolver: TeamsIdentityResolver = {
  async resolve(ctx) {
    const m = await TeamsInfo.getMember(ctx, ctx.activity.from.id);
    return { email: m.email ?? undefined, upn: m.userPrincipalName ?? undefined };
  },
};

export interface PrivateSender {
  /** Sends a view in a 1:1 conversation with the user of this turn. */
  sendPrivately(ctx: TurnContext, view: View): Promise<void>;
}

export class CohortTeamsBot extends ActivityHandler {
  constructor(
    private readonly core: BotCore,
    private readonly store: Store,
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
    this.onConversationUpdate(async (ctx, next) => {
      // Added to a team: keep the conversation reference for the daily digest.
      const added = ctx.activity.membersAdded?.some((m) => m.id === ctx.activity.recipient.id);
      if (added) await this.store.setState('teams:digest-reference', JSON.stringify(TurnContext.getConversationReference(ctx.activity)));
      await next();
    });
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
    let who: { email?: string; upn?: string } = {};
    const tenant = (ctx.activity.conversation as { tenantId?: string }).tenantId ?? (ctx.activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    if (this.tenantId && tenant !== this.tenantId) {
      // Another organisation's user: no identity at all, so the core answers only help and whoami.
      this.log.warn({ tenant: tenant ?? null }, 'teams: activity from another tenant, treated as unidentified');
    } else {
      try {
        who = await this.identities.resolve(ctx);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'teams: could not resolve the user');
      }
    }
    const identity: Identity = { channel: 'teams', chatUserId: ctx.activity.from.aadObjectId ?? ctx.activity.from.id, email: who.email ?? who.upn, upn: who.upn, locale: ctx.activity.locale, conversation: shared ? 'shared' : 'private' };
    const view = await this.core.handle(identity, text);
    if (view.private && shared) {
      await this.privately.sendPrivately(ctx, view);
      await ctx.sendActivity(catalog(ctx.activity.locale).privateSent);
      return;
    }
    await ctx.sendActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(renderCard(view)), cardFallbackText(view)), textFormat: 'plain' });
  }
}

export type { ConversationReference };
