/**
 * `résumé ici` / `summary here`: the daily summary's target is configuration — or this explicit,
 * audited command by an admin, said in the channel that should receive it. Being added to a team, a
 * personal install or a conversation event never chooses where counts, run ids and buttons go.
 */
import type { HandlerContext } from '../context';
import { View, text } from '../views';

/** The store key of the summary's target on a channel, set only here. */
export const summaryTargetKey = (channel: string): string => `digest:target:${channel}`;

export async function summaryHere(ctx: HandlerContext): Promise<View> {
  const { identity } = ctx.actor;
  const t = ctx.t;
  if (identity.conversation !== 'shared' || !identity.replyTo) {
    await ctx.audit({ command: 'summaryHere', outcome: 'refused', detail: identity.conversation === 'shared' ? 'unsupported' : 'private' });
    return { tone: 'error', blocks: [text(identity.channel === 'teams' ? t.summaryHereNotShared : t.summaryHereUnsupported)] };
  }
  await ctx.deps.store.setState(summaryTargetKey(identity.channel), identity.replyTo);
  const conversation = (JSON.parse(identity.replyTo) as { conversation?: { id?: string } }).conversation?.id ?? '?';
  await ctx.audit({ command: 'summaryHere', target: conversation, outcome: 'ok' });
  return { tone: 'success', blocks: [text(t.summaryHereDone)] };
}
