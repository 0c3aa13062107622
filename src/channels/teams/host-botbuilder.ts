/** The Bot Framework SDK host (`TEAMS_SDK=botbuilder`): botbuilder's CloudAdapter, which reads restify's request and response itself. */
import type { ServerResponse } from 'node:http';
import { Activity, ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationReference, TeamsInfo, TurnContext } from 'botbuilder';
import type { Logger } from '../../log';
import { catalog } from '../../i18n';
import { localeOf } from '../../i18n/locale';
import { typeset } from '../../i18n/typography';
import { CardMessage, ConversationRef, HostRequest, TeamsActivity, TeamsHost, TeamsTurn, TurnHandler, cardAttachment, proactive } from './host';
import type { TeamsAuth } from './auth-settings';
import { webResponse } from './web-response';

const toReference = (ref: ConversationRef): Partial<ConversationReference> => ({
  channelId: ref.channelId,
  serviceUrl: ref.serviceUrl,
  conversation: { isGroup: ref.conversation.isGroup ?? false, conversationType: ref.conversation.conversationType ?? '', id: ref.conversation.id, name: '', tenantId: ref.conversation.tenantId },
  bot: { id: ref.bot.id, name: ref.bot.name ?? '' },
  ...(ref.user ? { user: { id: ref.user.id, name: '', aadObjectId: ref.user.aadObjectId } } : {}),
});

const activityOf = (m: CardMessage) => ({ type: ActivityTypes.Message, text: m.text, textFormat: 'plain', attachments: [cardAttachment(m.card)] });

/**
 * botbuilder's connector client (Azure's pipeline) retries a 429 by itself after its Retry-After, holding
 * the caller all the while, and a 5xx a few times. A proactive post hands every failure back instead, as
 * the Agents SDK's client does: the notice queue then waits in the store for the Retry-After (the whole
 * platform pauses) and retries itself. The client is this continuation's own (one per call).
 */
function withoutRetries(client: unknown): void {
  (client as { client?: { pipeline?: { removePolicy(p: { name: string }): unknown } } } | undefined)?.client?.pipeline?.removePolicy({ name: 'defaultRetryPolicy' });
}

export function botbuilderHost(auth: TeamsAuth, log: Logger): TeamsHost {
  const bfAuth = new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: auth.appId ?? '',
      MicrosoftAppPassword: auth.appPassword ?? '',
      MicrosoftAppType: auth.appId ? auth.appType : '',
      MicrosoftAppTenantId: auth.tenantId ?? '',
      // A private cloud (or the offline tests): the channel's OpenID document and token issuer.
      ...(auth.openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: auth.openIdMetadataUrl } : {}),
      ...(auth.tokenIssuer ? { ToBotFromChannelTokenIssuer: auth.tokenIssuer } : {}),
  });
  const adapter = new CloudAdapter(bfAuth);
  adapter.onTurnError = async (ctx, err) => {
    log.error({ err: err.message }, 'teams turn failed');
    // In the person's language, as every other answer (src/i18n).
    const locale = localeOf(ctx.activity.locale);
    await ctx.sendActivity(typeset(catalog(locale).moodle.internal, locale));
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
      typing: async () => void (await ctx.sendActivity({ type: 'typing' })),
      update: async (id, m) => void (await ctx.updateActivity({ ...activityOf(m), id, conversation: a.conversation })),
      member: async () => {
        const m = await TeamsInfo.getMember(ctx, a.from.id);
        return { email: m.email ?? undefined, userPrincipalName: m.userPrincipalName ?? undefined, aadObjectId: m.aadObjectId ?? undefined };
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
    async handle(req: HostRequest, res: ServerResponse, onTurn: TurnHandler) {
      // process() authenticates too, but answers 500 to a token whose signature does not verify (not
      // an AuthenticationError): every failed check is a 401 here first.
      const body = (req.body ?? {}) as Activity;
      try {
        await bfAuth.authenticateRequest(body, String(req.headers.authorization ?? ''));
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'teams: request refused (authentication)');
        webResponse(res).status(401).send({ error: 'unauthorized' }).end();
        return;
      }
      await adapter.process(req as never, res as never, (ctx) => onTurn(turnOf(ctx)));
    },
    async post(ref, m) {
      let id = '';
      await proactive((logic) => adapter.continueConversationAsync(auth.appId ?? '', toReference(ref), logic), async (ctx: TurnContext) => {
        // A new message in the conversation (the continuation's own id is not a message to reply to).
        const a = ctx.activity;
        const client = ctx.turnState.get<{ conversations: { sendToConversation(id: string, a: Activity): Promise<{ id?: string }> } }>(ctx.adapter.ConnectorClientKey);
        withoutRetries(client);
        id = (await client.conversations.sendToConversation(ref.conversation.id, { ...activityOf(m), conversation: a.conversation, from: a.recipient, recipient: a.from, channelId: a.channelId, serviceUrl: a.serviceUrl } as Activity)).id ?? '';
      });
      return id;
    },
    async update(ref, activityId, m) {
      await proactive((logic) => adapter.continueConversationAsync(auth.appId ?? '', toReference(ref), logic), async (ctx: TurnContext) => {
        await ctx.updateActivity({ ...activityOf(m), id: activityId, conversation: ctx.activity.conversation });
      });
    },
  };
}
