/**
 * Proactive messages, one seam for both SDKs: the conversations the bot may write to later — the 1:1
 * chats of people who talked to it (keyed by their e-mail, so `forget` erases them) and the summary
 * channel — kept in the store, and sent to through the selected host.
 */
import type { Config } from '../../config';
import type { View } from '../../bot/views';
import type { Store } from '../../store/types';
import { cardMessage as message } from './cards';
import type { ConversationRef, TeamsHost } from './host';
import { summaryTargetKey } from '../../bot/handlers/summary';

/** Set only by an admin's `résumé ici` in that channel (audited); never by an install or a conversation event. */
const SUMMARY = summaryTargetKey('teams');
const personKey = (email: string) => `teams:person:${email.trim().toLowerCase()}`;

export class ConversationStore {
  constructor(private readonly store: Store) {}

  async savePerson(email: string, ref: ConversationRef): Promise<void> {
    const key = personKey(email);
    const value = JSON.stringify(ref);
    if ((await this.store.getState(key)) !== value) await this.store.setState(key, value);
  }

  async person(email: string): Promise<ConversationRef | undefined> {
    const saved = await this.store.getState(personKey(email));
    return saved ? (JSON.parse(saved) as ConversationRef) : undefined;
  }

  /** The summary channel: the configured one (TEAMS_DIGEST_CONVERSATION_ID + TEAMS_SERVICE_URL), else the one an admin chose. */
  async summaryChannel(config: Config): Promise<ConversationRef | undefined> {
    const t = config.teams;
    if (t.digestConversationId && t.serviceUrl) {
      return { channelId: 'msteams', serviceUrl: t.serviceUrl, conversation: { id: t.digestConversationId, isGroup: true, conversationType: 'channel' }, bot: { id: t.appId ?? 'cohortbot', name: 'cohortbot' } };
    }
    const saved = await this.store.getState(SUMMARY);
    return saved ? (JSON.parse(saved) as ConversationRef) : undefined;
  }
}

/** Where a posted card is, for updating it later. */
export interface Posted {
  ref: ConversationRef;
  id: string;
}

export class TeamsProactive {
  readonly conversations: ConversationStore;
  constructor(
    private readonly host: TeamsHost,
    private readonly config: Config,
    store: Store,
  ) {
    this.conversations = new ConversationStore(store);
  }

  /** Sends a view to a kept conversation. */
  async send(ref: ConversationRef, view: View): Promise<Posted> {
    return { ref, id: await this.host.post(ref, message(view)) };
  }

  /** A private notice to someone who talked to the bot; false when their conversation is not known. */
  async notify(email: string, view: View): Promise<boolean> {
    const ref = await this.conversations.person(email);
    if (!ref) return false;
    await this.send(ref, view);
    return true;
  }

  /** The daily summary to the summary channel, if there is one. */
  async postSummary(view: View): Promise<Posted | undefined> {
    const ref = await this.conversations.summaryChannel(this.config);
    return ref ? this.send(ref, view) : undefined;
  }

  async update(where: Posted, view: View): Promise<void> {
    if (where.id) await this.host.update(where.ref, where.id, message(view));
  }
}
