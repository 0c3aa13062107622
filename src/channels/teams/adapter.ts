/** The Bot Framework adapter for Teams: authentication, private replies and the proactive digest. */
import { CardFactory, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import type { Config } from '../../config';
import type { Logger } from '../../log';
import type { Store } from '../../store/types';
import type { View } from '../../bot/views';
import { cardFallbackText, renderCard } from './cards';
import { summaryTargetKey } from '../../bot/handlers/summary';
import type { PrivateSender } from './bot';

export class TeamsConfigError extends Error {
  override name = 'TeamsConfigError';
}

/**
 * Without an app id the adapter authenticates nothing: the server mounts it only in TEAMS_LOCAL_MODE
 * (loopback callers, never in production — config refuses that combination).
 */
export function createTeamsAdapter(config: Config, log: Logger): CloudAdapter {
  const t = config.teams;
  if (!t.appId && (!t.localMode || config.nodeEnv === 'production')) {
    throw new TeamsConfigError('MicrosoftAppId is required for the Teams endpoint: refusing an unauthenticated one (set MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType, MicrosoftAppTenantId; TEAMS_LOCAL_MODE=true is for the Emulator, outside production)');
  }
  if (!t.appId) log.warn('Teams endpoint in local mode (Bot Framework Emulator): requests are not authenticated and only loopback callers are answered');
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: t.appId ?? '',
    MicrosoftAppPassword: t.appPassword ?? '',
    MicrosoftAppType: t.appId ? t.appType : '',
    MicrosoftAppTenantId: t.tenantId ?? '',
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (ctx, err) => {
    log.error({ err: err.message }, 'teams turn failed');
    await ctx.sendActivity('Erreur interne, réessayez dans un instant.');
  };
  return adapter;
}

// The activity's own text is shown as plain text: it may hold a name (see cards.ts).
const cardOf = (view: View) => ({ ...MessageFactory.attachment(CardFactory.adaptiveCard(renderCard(view)), cardFallbackText(view)), textFormat: 'plain' as const });

/** Personal data goes to a 1:1 conversation with the person who asked, never to the channel. */
export function privateSender(adapter: CloudAdapter, config: Config): PrivateSender {
  return {
    async sendPrivately(ctx: TurnContext, view: View) {
      const a = ctx.activity;
      const tenantId = (a.conversation as { tenantId?: string }).tenantId ?? config.teams.tenantId;
      await adapter.createConversationAsync(
        config.teams.appId ?? '',
        a.channelId,
        a.serviceUrl,
        '',
        { isGroup: false, bot: a.recipient, members: [a.from], tenantId, activity: undefined as never, channelData: { tenant: { id: tenantId } } },
        async (c) => {
          await c.sendActivity(cardOf(view));
        },
      );
    },
  };
}

/** Posts the digest to the configured conversation, or to the one an admin chose with `résumé ici`; returns where, for later updates. */
export async function postTeamsDigest(adapter: CloudAdapter, config: Config, store: Store, view: View): Promise<{ ref: Partial<ConversationReference>; id: string } | undefined> {
  let ref: Partial<ConversationReference> | undefined;
  if (config.teams.digestConversationId && config.teams.serviceUrl) {
    ref = { channelId: 'msteams', serviceUrl: config.teams.serviceUrl, conversation: { id: config.teams.digestConversationId, isGroup: true, conversationType: 'channel', name: '' }, bot: { id: config.teams.appId ?? 'cohortbot', name: 'cohortbot' } };
  } else {
    // Set only by an admin's `résumé ici` in that channel (audited); never by an install or a conversation event.
    const saved = await store.getState(summaryTargetKey('teams'));
    if (saved) ref = JSON.parse(saved) as ConversationReference;
  }
  if (!ref) return undefined;
  let id = '';
  await adapter.continueConversationAsync(config.teams.appId ?? '', ref, async (ctx) => {
    id = (await ctx.sendActivity(cardOf(view)))?.id ?? '';
  });
  return { ref, id };
}

/** Replaces a posted digest card (its held removals were decided: no more buttons). */
export async function updateTeamsDigest(adapter: CloudAdapter, config: Config, where: { ref: Partial<ConversationReference>; id: string }, view: View): Promise<void> {
  if (!where.id) return;
  await adapter.continueConversationAsync(config.teams.appId ?? '', where.ref, async (ctx) => {
    await ctx.updateActivity({ ...cardOf(view), id: where.id, conversation: ctx.activity.conversation });
  });
}
