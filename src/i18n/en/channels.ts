/** What the channels themselves (Slack, Teams) say around an answer, in English. */
import { count } from '../format';
import type { channelsFr } from '../fr/channels';

export const channelsEn: typeof channelsFr = {
  moreBlocks: (n) => `… ${count(n, 'en', { one: 'more block', other: 'more blocks' })}: narrow the request down.`,
};
