/** Ce que disent les canaux eux-mêmes (Slack, Teams) autour d’une réponse, en français. */
import { count } from '../format';

export const channelsFr = {
  /** Slack coupe un message à 50 blocs : le dernier dit ce qui manque. */
  moreBlocks: (n: number) => `… ${count(n, 'fr', { one: 'bloc', other: 'blocs' })} de plus : affinez la demande.`,
};
