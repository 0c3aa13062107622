/**
 * The Microsoft 365 Agents SDK host (`TEAMS_SDK=agents`, the default). Its CloudAdapter does not
 * authenticate in process(): the JWT check is the SDK's own `authorizeRequest` (authorizeJWT), run
 * first. Both write through `webResponse`, so restify's `res.status()` (which returns a number, not
 * the response) never reaches the SDK.
 */
import type { ServerResponse } from 'node:http';
import { Activity, ActivityTypes, ConversationReference } from '@microsoft/agents-activity';
import { AuthConfiguration, CloudAdapter, ConnectorClient, TurnContext } from '@microsoft/agents-hosting';
import type { Logger } from '../../log';
import { catalog } from '../../i18n';
import { localeOf } from '../../i18n/locale';
import { typeset } from '../../i18n/typography';
import { CardMessage, ConversationRef, HostRequest, TeamsActivity, TeamsHost, TeamsTurn, TurnHandler, cardAttachment, proactive } from './host';
import type { TeamsAuth } from './auth-settings';
import { webResponse } from './web-response';

const CONNECTION = 'serviceConnection';

/** Our settings as the SDK's connection (one, mapped to every service URL): nothing read from process.env behind our back. */
export function agentsAuthConfig(auth: TeamsAuth): AuthConfiguration {
  const settings: AuthConfiguration = {
    clientId: auth.appId,
    clientSecret: auth.appPassword,
    tenantId: auth.tenantId,
    // MicrosoftAppType=UserAssignedMSI is the SDK's user-managed identity; otherwise the client secret.
    ...(auth.appType === 'UserAssignedMSI' ? { authType: 'UserManagedIdentity' } : {}),
    ...(auth.authorityEndpoint ? { authorityEndpoint: auth.authorityEndpoint } : {}),
    ...(auth.issuers?.length ? { issuers: auth.issuers } : {}),
    // The token's issuer must be the university's tenant (or Microsoft's own first-party issuers).
    validateIssuer: true,
  };
  return { ...settings, connections: new Map([[CONNECTION, settings]]), connectionsMap: [{ serviceUrl: '*', connection: CONNECTION }] };
}

const toReference = (ref: ConversationRef): ConversationReference =>
  ({
    channelId: ref.channelId,
    serviceUrl: ref.serviceUrl,
    conversation: { id: ref.conversation.id, conversationType: ref.conversation.conversationType, tenantId: ref.conversation.tenantId, isGroup: ref.conversation.isGroup },
    agent: { id: ref.bot.id, name: ref.bot.name },
    ...(ref.user ? { user: { id: ref.user.id, aadObjectId: ref.user.aadObjectId } } : {}),
  }) as ConversationReference;

const activityOf = (m: CardMessage, extra: Record<string, unknown> = {}) => Activity.fromObject({ type: ActivityTypes.Message, text: m.text, textFormat: 'plain', attachments: [cardAttachment(m.card)], ...extra });

export function agentsHost(auth: TeamsAuth, log: Logger, localMode: boolean): TeamsHost {
  const adapter = new CloudAdapter(agentsAuthConfig(auth));
  adapter.onTurnError = async (ctx, err) => {
    log.error({ err: err.message }, 'teams turn failed');
    // In the person's language, as every other answer (src/i18n).
    const locale = localeOf(ctx.activity.locale);
    await ctx.sendActivity(typeset(catalog(locale).moodle.internal, locale));
  };
  // Local mode (Emulator, loopback only): no identity, so outgoing calls carry no token.
  const identity = () => (auth.appId ? auth.appId : ({} as { aud?: string }));
  const connector = (ctx: TurnContext) => ctx.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);

  const turnOf = (ctx: TurnContext): TeamsTurn => {
    const a = ctx.activity;
    return {
      activity: a as unknown as TeamsActivity,
      textWithoutMention: () => (a.removeRecipientMention() || a.text || '').trim(),
      reference: () => ({
        channelId: a.channelId!,
        serviceUrl: a.serviceUrl!,
        conversation: { id: a.conversation!.id, conversationType: a.conversation!.conversationType, tenantId: a.conversation!.tenantId, isGroup: a.conversation!.isGroup },
        bot: { id: a.recipient!.id!, name: a.recipient!.name },
        user: { id: a.from!.id!, aadObjectId: a.from!.aadObjectId },
      }),
      send: async (m) => (await ctx.sendActivity(activityOf(m)))?.id,
      sendText: async (text) => void (await ctx.sendActivity(text)),
      typing: async () => void (await ctx.sendActivity(Activity.fromObject({ type: ActivityTypes.Typing }))),
      update: async (id, m) => void (await ctx.updateActivity(activityOf(m, { id, conversation: a.conversation }))),
      member: async () => {
        const m = (await connector(ctx).getConversationMember(a.from!.id!, a.conversation!.id)) as { email?: string; userPrincipalName?: string; aadObjectId?: string };
        return { email: m.email ?? undefined, userPrincipalName: m.userPrincipalName ?? undefined, aadObjectId: m.aadObjectId ?? undefined };
      },
      sendPrivately: async (m) => {
        // The turn's own connector (its token, or none in local mode) opens the 1:1 conversation.
        const tenantId = a.conversation!.tenantId;
        const created = await connector(ctx).createConversation({ isGroup: false, agent: a.recipient, members: [a.from!], tenantId, channelData: { tenant: { id: tenantId } } } as never);
        await connector(ctx).sendToConversation(created.id, activityOf(m, { conversation: { id: created.id }, from: a.recipient, recipient: a.from, channelId: a.channelId, serviceUrl: a.serviceUrl }));
      },
      invokeResponse: async (body, status = 200) => void (await ctx.sendActivity(Activity.fromObject({ type: ActivityTypes.InvokeResponse, value: { status, body } }))),
    };
  };

  return {
    sdk: 'agents',
    async handle(req: HostRequest, res: ServerResponse, onTurn: TurnHandler) {
      const out = webResponse(res);
      if (localMode) req.user = { name: 'anonymous' };
      else {
        let authorised = false;
        await adapter.authorizeRequest(req as never, out, () => (authorised = true));
        if (!authorised) {
          if (!res.writableEnded) out.status(401).send({ error: 'unauthorized' });
          return;
        }
      }
      await adapter.process(req as never, out, (ctx) => onTurn(turnOf(ctx)));
    },
    async post(ref, m) {
      let id = '';
      await proactive((logic) => adapter.continueConversation(identity() as never, toReference(ref), logic), async (ctx: TurnContext) => {
        // A new message in the conversation (the continuation's own id is not a message to reply to).
        const a = ctx.activity;
        id = (await connector(ctx).sendToConversation(ref.conversation.id, activityOf(m, { conversation: a.conversation, from: a.recipient, channelId: a.channelId, serviceUrl: a.serviceUrl })))?.id ?? '';
      });
      return id;
    },
    async update(ref, activityId, m) {
      await proactive((logic) => adapter.continueConversation(identity() as never, toReference(ref), logic), async (ctx: TurnContext) => {
        await ctx.updateActivity(activityOf(m, { id: activityId, conversation: ctx.activity.conversation }));
      });
    },
  };
}
