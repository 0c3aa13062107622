/**
 * Teams in front of the command core, whichever SDK hosts it (host.ts): a message, a card's
 * Action.Submit or Action.Execute becomes a command; the view comes back as a card. No SDK is
 * imported here.
 */
import type { BotCore } from '../../bot/core';
import type { Identity } from '../../bot/context';
import { catalog } from '../../bot/i18n';
import { formCommand, text as textBlock, type View } from '../../bot/views';
import type { Logger } from '../../log';
import type { Store } from '../../store/types';
import { cardMessage } from './cards';
import { CardMessage, TeamsTurn, tenantOf } from './host';
import { ConversationStore } from './proactive';

/** Who is talking: the UPN/e-mail Teams gives. Behind an interface so tests can feed identities. */
export interface TeamsIdentityResolver {
  resolve(turn: TeamsTurn): Promise<{ email?: string; upn?: string }>;
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
    /** MicrosoftAppTenantId: activities from any other tenant are nobody (SingleTenant). */
    private readonly tenantId?: string,
    private readonly timeZone = 'Europe/Paris',
  ) {
    this.conversations = new ConversationStore(store);
  }

  async run(turn: TeamsTurn): Promise<void> {
    const a = turn.activity;
    if (a.type === 'message') return this.onMessage(turn);
    if (a.type === 'invoke' && a.name === 'adaptiveCard/action') return this.onExecute(turn);
    if (a.type === 'conversationUpdate') {
      // Added to a team: keep the conversation for the daily summary.
      if (a.membersAdded?.some((m) => m.id === a.recipient.id)) await this.conversations.saveSummaryChannel(turn.reference());
    }
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

  /** The person of this turn, or nobody (another tenant, or a lookup that failed). */
  private async identify(turn: TeamsTurn): Promise<Identity> {
    const a = turn.activity;
    let who: { email?: string; upn?: string } = {};
    const tenant = tenantOf(a);
    if (this.tenantId && tenant !== this.tenantId) {
      // Another organisation's user: no identity at all, so the core answers only help and whoami.
      this.log.warn({ tenant: tenant ?? null }, 'teams: activity from another tenant, treated as unidentified');
    } else {
      try {
        who = await this.identities.resolve(turn);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'teams: could not resolve the user');
      }
    }
    const email = who.email ?? who.upn;
    // People who talk to the bot can be written to later (private notices): their conversation is kept.
    if (email && !this.shared(turn)) await this.conversations.savePerson(email, turn.reference()).catch((err: Error) => this.log.warn({ err: err.message }, 'teams: could not keep the conversation'));
    return { channel: 'teams', chatUserId: a.from.aadObjectId ?? a.from.id, email, upn: who.upn, locale: a.locale, conversation: this.shared(turn) ? 'shared' : 'private' };
  }

  private async onMessage(turn: TeamsTurn): Promise<void> {
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

  /**
   * Action.Execute: the first click runs the command; its outcome ("done by …", no buttons) replaces
   * the card for everyone and is kept, so a second click — by the same person or anyone else — is
   * answered from it and acts no more.
   */
  private async onExecute(turn: TeamsTurn): Promise<void> {
    const a = turn.activity;
    const action = (a.value as { action?: { verb?: string; data?: Record<string, unknown> } } | undefined)?.action;
    const data = action?.data ?? {};
    const payload = typeof data.cohortbot === 'string' ? data.cohortbot : undefined;
    const key = `teams:card:${a.conversation.id}:${a.replyToId ?? ''}:${typeof data.card === 'string' ? data.card : ''}`;
    const answer = (m: CardMessage) => turn.invokeResponse({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: m.card });
    if (!payload) return answer(cardMessage({ tone: 'error', blocks: [textBlock(catalog(a.locale).seeHelp)] }));

    const kept = await this.store.getState(key);
    if (kept) return answer((JSON.parse(kept) as CardOutcome).card);

    const identity = await this.identify(turn);
    const view = await this.core.handle(identity, payload);
    if (view.private && this.shared(turn)) {
      await turn.sendPrivately(cardMessage(view));
      return answer(cardMessage({ blocks: [textBlock(catalog(a.locale).privateSent)] }));
    }
    // Only an outcome that acted is everyone's: a refusal ("not yours", expired: error) or "already
    // done" (info) goes to the clicker alone.
    // A private outcome (personal data) is the clicker's alone too, and is not kept.
    if (view.tone === 'error' || view.tone === 'info' || view.private || !a.replyToId) return answer(cardMessage(view));
    const outcome = view.buttons?.length ? view : doneView(view, a.from.name ?? identity.email ?? a.from.id, new Date(), a.locale, this.timeZone);
    const message = cardMessage(outcome);
    if (!view.buttons?.length) await this.store.setState(key, JSON.stringify({ card: message } satisfies CardOutcome));
    await turn.update(a.replyToId, message).catch((err: Error) => this.log.warn({ err: err.message }, 'teams: could not update the card for everyone'));
    return answer(message);
  }

}

/** An outcome as the card everyone sees once it is done: who did it and when, no buttons. */
export function doneView(view: View, by: string, at: Date, locale: string | undefined, timeZone: string): View {
  const t = catalog(locale);
  const when = new Intl.DateTimeFormat(t.locale === 'en' ? 'en-GB' : 'fr-FR', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(at);
  return { ...view, buttons: [], blocks: [...view.blocks, textBlock(t.cardDoneBy(by, when))] };
}
