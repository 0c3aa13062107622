/** The Bot Framework SDK host (`TEAMS_SDK=botbuilder`): botbuilder's CloudAdapter, which reads restify's request and response itself. */
import type { ServerResponse } from 'node:http';
import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationReference, TeamsInfo, TurnContext } from 'botbuilder';
import type { Logger } from '../../log';
import { CardMessage, ConversationRef, HostRequest, TeamsActivity, TeamsHost, TeamsTurn, TurnHandler, cardAttachment } from './host';
import type { TeamsAuth } from './auth-settings';

const toReference = (ref: ConversationRef): Partial<ConversationReference> => ({
  channelId: ref.channelId,
  serviceUrl: ref.serviceUrl,
  conversation: { isGroup: ref.conversation.isGroup ?? false, conversationType: ref.conversation.conversationType ?? '', id: ref.conversation.id, name: '', tenantId: ref.conversation.tenantId },
  bot: { id: ref.bot.id, name: ref.bot.name ?? '' },
  ...(ref.user ? { user: { id: ref.user.id, name: '', aadObjectId: ref.user.aadObjectId } } : {}),
});

const activityOf = (m: CardMessage) => ({ type: ActivityTypes.Message, text: m.text, attachments: [cardAttachment(m.card)] });

export function botbuilderHost(auth: TeamsAuth, log: Logger): TeamsHost {
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: auth.appId ?? '',
      MicrosoftAppPassword: auth.appPassword ?? '',
      MicrosoftAppType: auth.appId ? auth.appType : '',
      MicrosoftAppTenantId: auth.tenantId ?? '',
      // A private cloud (or the offline tests): the channel's OpenID document and token issuer.
      ...(auth.openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: auth.openIdMetadataUrl } : {}),
      ...(auth.tokenIssuer ? { ToBotFromChannelTokenIssuer: auth.tokenIssuer } : {}),
    }),
  );
  adapter.onTurnError = async (ctx, err) => {
    log.error({ err: err.message }, 'teams turn failed');
    await ctx.sendActivity('Erreur interne, réessayez dans un instant.');
  };

  const turnOf = (ctx: TurnContext): TeamsTurn => {
    const a = ctx.activity;
    return {
      activity: a as unknown as TeamsActivity,
      textWithoutMention: () => (TurnContext.removeRecipientMention(a) ?? a.text ?? '').trim(),
      reference: () => {
        const r = TurnContext.getConversationReference(a);
        return { channelId: r.channelId!, serviceUrl: r.serviceUrl!, conversation: { id: r.conversation!.id, conversationType: r.conversation!.conversationType, tenantId: r.conversation!.tenantId, isGroup: r.conversation!.isGroup }, bot: { id: r.bot!.id, name: r.bot!.name }, user: r.user ? { id: r.user.id, aadObjectId: r.user.aadObjectId } : undefined };
      },
      send: async (m) => (await ctx.sendActivity(activityOf(m)))?.id,
      sendText: async (text) => void (await ctx.sendActivity(text)),
      update: async (id, m) => void (await ctx.updateActivity({ ...activityOf(m), id, conversation: a.conversation })),
      member: async () => {
        const m = await TeamsInfo.getMember(ctx, a.from.id);
        return { email: m.email ?? undefined, upn: m.userPrincipalName ?? undefined };
      },
      sendPrivately: async (m) => {
        const tenantId = a.conversation.tenantId;
        await adapter.createConversationAsync(auth.appId ?? '', a.channelId, a.serviceUrl, '', { isGroup: false, bot: a.recipient, members: [a.from], tenantId, activity: undefined as never, channelData: { tenant: { id: tenantId } } }, async (c) => {
          await c.sendActivity(activityOf(m));
        });
      },
      invokeResponse: async (body, status = 200) => void (await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } })),
    };
  };

  return {
    sdk: 'botbuilder',
    // botbuilder authenticates inside process() and answers 401 itself (it speaks restify's response).
    handle: (req: HostRequest, res: ServerResponse, onTurn: TurnHandler) => adapter.process(req as never, res as never, (ctx) => onTurn(turnOf(ctx))),
    async post(ref, m) {
      let id = '';
      await adapter.continueConversationAsync(auth.appId ?? '', toReference(ref), async (ctx) => {
        id = (await ctx.sendActivity(activityOf(m)))?.id ?? '';
      });
      return id;
    },
    async update(ref, activityId, m) {
      await adapter.continueConversationAsync(auth.appId ?? '', toReference(ref), async (ctx) => {
        await ctx.updateActivity({ ...activityOf(m), id: activityId, conversation: ctx.activity.conversation });
      });
    },
  };
}
