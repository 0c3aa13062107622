/** Les textes de `cohortbot demo`, en français. */
import type { PlatformRunSummary } from '../../store/types';
import { count, formatNumber } from '../format';

export const demoFr = {
  title: 'cohortbot — démonstration',
  directory: (d: string) => `Annuaire : ${d}`,
  platforms: (list: string) => `Plateformes : ${list}`,
  firstSync: 'Première synchronisation…',
  platform: (p: PlatformRunSummary) =>
    `  ${p.name} : ${count(p.cohortsCreated, 'fr', { one: 'cohorte créée', other: 'cohortes créées' })}, ${count(p.membersAdded, 'fr', { one: 'membre ajouté', other: 'membres ajoutés' })}, ${count(p.membersRemoved, 'fr', { one: 'retiré', other: 'retirés' })}, ${count(p.pendingAccounts, 'fr', { one: 'compte en attente', other: 'comptes en attente' })} (${count(p.writeCalls, 'fr', { one: 'appel', other: 'appels' })} d’écriture)`,
  outcome: (status: string, ms: number, run: string) => `  → ${status} en ${formatNumber(ms, 'fr')} ms (synchronisation ${run})`,
  serving: 'En service :',
  simulated: 'Moodle simulé',
  teams: (url: string, authenticated: boolean) => `POST ${url}/api/messages (mode local${authenticated ? ', authentifié' : ', sans authentification'})`,
  slackOff: 'désactivé (renseignez SLACK_BOT_TOKEN et SLACK_SIGNING_SECRET)',
  health: 'Santé, métriques',
  nextRun: (at: string) => `  Prochaine synchronisation : ${at}`,
  tryThese: 'Trois conversations pour essayer :',
  teacher: 'enseignante',
  tries: {
    teacher: 'chercher pharma · ajouter etp:L2PHA1 à PHA-L2-101 rôle étudiant groupe aucun · oui',
    support: 'pourquoi e21900011 PHA-L2-102 · synchroniser étudiant e21900011 · historique e21900011',
    admin: 'état · synchroniser tout · approuver <run>',
  },
  switchPerson: '  (cohortbot demo --as <e-mail> pour changer de personne)',
  secondTerminal: (cmd: string) => `  Dans un autre terminal, pendant que la démo tourne : ${cmd}`,
  scriptFailed: (expect: string) => `  ✗✗ ÉCHEC : la réponse ne correspond pas à ${expect}`,
  dropped: '(Le prochain export de l’annuaire a perdu L1DRT1 et M1DRT2 : le garde-fou doit retenir les retraits.)',
  scriptOk: '✓ démonstration scriptée réussie',
  scriptFailures: (n: number) => `✗ ${count(n, 'fr', { one: 'étape en échec', other: 'étapes en échec' })}`,
};
