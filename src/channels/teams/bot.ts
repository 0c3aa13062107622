/**
 * Teams in front of the command core, whichever SDK hosts it (host.ts): a message, a card's
 * Action.Submit or Action.Execute becomes a command; the view comes back as a card. No SDK is
 * imported here.
 */
import type { BotCore } from '../../bot/core';
import type { Identity } from '../../bot/context';
import { catalog } from '../../i18n';
import { formCommand, text as textBlock, type View } from '../../bot/views';
import type { Logger } from '../../log';
import type { Store } from '../../store/types';
import { cardMessage } from './cards';
import type { CardMessage, ConversationRef, TeamsTurn } from './host';
import { ConversationStore } from './proactive';
import { TeamsMember, foreignTenant, tenantOf, verifiedIdentity } from './tenant';
import { formatDate } from '../../i18n/format';
import { localeOf } from '../../i18n/locale';
import { typesetView } from '../../i18n/typography';

/** Who is talking: the roster's entry for this turn's user. Behind an interface so tests can feed identities. */
export interface TeamsIdentityResolver {
  resolve(turn: TeamsTurn): Promise<TeamsMember>;
}

export const teamsInfoResolver: TeamsIdentityResolver = { resolve: (turn) => turn.member() };

/** What an Action.Execute click left behind: the card everyone now sees. */
interface CardOutcome {
  card: CardMessage;
}

export class CohortTeamsBot {
  private readonly conversations: ConversationStore;

  constructor(
    private readonly core: BotCore,
    private readonly store: Store,
    private readonly identities: TeamsIdentityResolver,
    private readonly log: Logger,
    /** MicrosoftAppTenantId: activities from any other tenant are not served at all. */
    private readonly tenantId?: string,
    private readonly timeZone = 'Europe/Paris',
  ) {
    this.conversations = new ConversationStore(store);
  }

  async run(turn: TeamsTurn): Promise<void> {
    const a = turn.activity;
    // Every activity of another tenant — a message, a click, an install — is refused before any handler: no reply, nothing kept.
    if (foreignTenant(a, this.tenantId)) {
      this.log.warn({ tenant: tenantOf(a) ?? null, type: a.type }, 'teams: activity from another tenant refused');
      return;
    }
    if (a.type === 'message') return this.onMessage(turn);
    if (a.type === 'invoke' && a.name === 'adaptiveCard/action') return this.onExecute(turn);
    // Installs and conversation events change nothing: the summary's target is configuration
    // (TEAMS_DIGEST_CONVERSATION_ID) or an admin's audited `résumé ici`, never a side effect of being added.
  }

  /** The command text of a turn: a card button's payload, a submitted form, or the message without the mention. */
  static commandOf(turn: TeamsTurn): string {
    const value = turn.activity.value as Record<string, unknown> | undefined;
    if (value && typeof value.cohortbot === 'string') return value.cohortbot;
    if (value && typeof value.cohortbotForm === 'string') return formCommand({ id: 'form', title: '', fields: [], command: value.cohortbotForm, submitLabel: '' }, Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])));
    return turn.textWithoutMention();
  }

  private shared(turn: TeamsTurn): boolean {
    return turn.activity.conversation.conversationType !== 'personal';
  }

  /** The person of this turn — the verified UPN whose AAD object id is the activity's — or nobody. */
  private async identify(turn: TeamsTurn): Promise<Identity> {
    const a = turn.activity;
    let who: { upn?: string; aadObjectId?: string } = {};
    try {
      who = verifiedIdentity(await this.identities.resolve(turn), a);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'teams: could not resolve the user');
    }
    const shared = this.shared(turn);
    // People who talk to the bot can be written to later (private notices): their conversation is kept.
    // Their locale is kept with it: a notice is written in the language the chat answers them in.
    if (who.upn && !shared) await this.conversations.savePerson(who.upn, { ...turn.reference(), ...(a.locale ? { locale: a.locale } : {}) }).catch((err: Error) => this.log.warn({ err: err.message }, 'teams: could not keep the conversation'));
    return {
      channel: 'teams',
      chatUserId: a.from.aadObjectId ?? a.from.id,
      upn: who.upn,
      locale: a.locale,
      conversation: shared ? 'shared' : 'private',
      // Where an admin's `résumé ici` would send the summary: this channel, as a new post (not a reply in this thread).
      replyTo: shared ? JSON.stringify(channelReference(turn.reference())) : undefined,
    };
  }

  private async onMessage(turn: TeamsTurn): Promise<void> {
    const a = turn.activity;
    const value = a.value as Record<string, unknown> | undefined;
    // Action.Submit, the fallback of clients without Action.Execute: the same click, the card updated the same way.
    if (value && typeof value.cohortbot === 'string' && a.replyToId) {
      return this.onClick(turn, value.cohortbot, typeof value.card === 'string' ? value.card : '', async (m) => void (await turn.send(m)), false);
    }
    const text = CohortTeamsBot.commandOf(turn);
    const identity = await this.identify(turn);
    // A slow answer: Teams shows the bot typing until the answer comes.
    const view = await this.core.handle(identity, text, () => turn.typing());
    if (view.private && this.shared(turn)) {
      await turn.sendPrivately(cardMessage(view));
      await turn.sendText(catalog(turn.activity.locale).privateSent);
      return;
    }
    await turn.send(cardMessage(view));
  }

  /** Action.Execute: the card the clicker sees next is the invoke's answer. */
  private async onExecute(turn: TeamsTurn): Promise<void> {
    const action = (turn.activity.value as { action?: { verb?: string; data?: Record<string, unknown> } } | undefined)?.action;
    const data = action?.data ?? {};
    const answer = (m: CardMessage) => turn.invokeResponse({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: m.card });
    if (typeof data.cohortbot !== 'string') return answer(cardMessage({ tone: 'error', blocks: [textBlock(catalog(turn.activity.locale).seeHelp)] }));
    return this.onClick(turn, data.cohortbot, typeof data.card === 'string' ? data.card : '', answer, true);
  }

  /**
   * A card's button, by Action.Execute or Action.Submit: the first click runs the command; its outcome
   * ("done by …", no buttons) replaces the card for everyone and is kept, so a second click — by the
   * same person or anyone else — is answered from it and acts no more. `reply` answers the clicker
   * (the invoke's card, or a new message for Submit, which needs none when the card itself changed).
   */
  private async onClick(turn: TeamsTurn, payload: string, cardId: string, reply: (m: CardMessage) => Promise<void>, invoke: boolean): Promise<void> {
    const a = turn.activity;
    const key = `teams:card:${a.conversation.id}:${a.replyToId ?? ''}:${cardId}`;
    const kept = await this.store.getState(key);
    if (kept) return reply((JSON.parse(kept) as CardOutcome).card);

    const identity = await this.identify(turn);
    const view = await this.core.handle(identity, payload);
    if (view.private && this.shared(turn)) {
      await turn.sendPrivately(cardMessage(view));
      return reply(cardMessage({ blocks: [textBlock(catalog(a.locale).privateSent)] }));
    }
    // Only an outcome that acted is everyone's: a refusal ("not yours", expired: error) or "already
    // done" (info) goes to the clicker alone.
    // A private outcome (personal data) is the clicker's alone too, and is not kept.
    if (view.tone === 'error' || view.tone === 'info' || view.private || !a.replyToId) return reply(cardMessage(view));
    const outcome = view.buttons?.length ? view : doneView(view, a.from.name ?? identity.upn ?? a.from.id, new Date(), a.locale, this.timeZone);
    const message = cardMessage(outcome);
    if (!view.buttons?.length) await this.store.setState(key, JSON.stringify({ card: message } satisfies CardOutcome));
    await turn.update(a.replyToId, message).catch((err: Error) => this.log.warn({ err: err.message }, 'teams: could not update the card for everyone'));
    // The card itself shows the outcome: an invoke answers with it; a Submit needs no second copy.
    if (invoke || view.buttons?.length) return reply(message);
  }
}

/** The conversation of a turn as a place to post to later: the channel itself, not the thread of this message. */
function channelReference(ref: ConversationRef): ConversationRef {
  return { ...ref, conversation: { ...ref.conversation, id: ref.conversation.id.split(';')[0]! } };
}

/** An outcome as the card everyone sees once it is done: who did it and when, no buttons. */
export function doneView(view: View, by: string, at: Date, locale: string | undefined, timeZone: string): View {
  const t = catalog(locale);
  const lang = localeOf(t.locale);
  return typesetView({ ...view, buttons: [], blocks: [...view.blocks, textBlock(t.cardDoneBy(by, formatDate(at, lang, timeZone, true)))] }, lang);
}
