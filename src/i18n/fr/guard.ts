/** Les raisons du garde-fou (et des échecs d’une synchronisation), en français. */
import type { GuardReason } from '../../domain/codes';
import { count, formatDecimal, formatNumber } from '../format';
import type { WordsFor } from '../words';

const n = (x: number) => formatNumber(x, 'fr');
const retraits = (x: number) => count(x, 'fr', { one: 'retrait', other: 'retraits' });
const etudiants = (x: number) => count(x, 'fr', { one: 'étudiant', other: 'étudiants' });
const skipped = (effect: 'skip' | 'none', why: string) => (effect === 'skip' ? `retraits non appliqués : ${why}` : why);

export const guardFr: WordsFor<GuardReason> = {
  incomplete: (r) =>
    r.effect === 'skip'
      ? `lecture de l’annuaire incomplète (détail technique : ${r.detail}) : ajouts appliqués, retraits retenus jusqu’à une lecture complète`
      : `lecture de l’annuaire incomplète (détail technique : ${r.detail}) ; rien n’a été modifié`,
  noInscriptions: (r) => skipped(r.effect, 'l’annuaire ne donne aucune inscription pour l’année visée'),
  tooFewRecords: (r) => skipped(r.effect, `l’annuaire compte ${etudiants(r.students)}, moins que SYNC_MIN_SOURCE_RECORDS=${r.min}`),
  belowRatio: (r) => skipped(r.effect, `l’annuaire compte ${etudiants(r.students)}, moins que ${formatDecimal(r.ratio, 'fr', 2)} × ${n(r.last)} de la dernière bonne synchronisation (SYNC_MIN_SOURCE_RATIO)`),
  sourceWarning: (r) => skipped(r.effect, `lecture de l’annuaire douteuse (détail technique : ${r.detail})`),
  tooManyRemovals: (r) => `retraits retenus pour approbation : ${retraits(r.removals)} dépassent SYNC_MAX_REMOVALS=${r.max}`,
  removalPercent: (r) =>
    `retraits retenus pour approbation : ${retraits(r.removals)} font ${formatDecimal(r.percent, 'fr')} % des ${n(r.memberships)} appartenances gérées, au-dessus de SYNC_MAX_REMOVAL_PERCENT=${r.max}`,
  runFailed: (r) => `la synchronisation a échoué (détail technique : ${r.detail})`,
  interrupted: () => 'interrompue : le processus a été arrêté avant la fin ; la synchronisation suivante reprend où elle en était',
  storeUnavailable: (r) => {
    const rows = `${count(r.journalled, 'fr', { one: 'ligne de journal écrite', other: 'lignes de journal écrites' })} à son retour${
      r.unjournalled ? `, ${count(r.unjournalled, 'fr', { one: 'changement fait', other: 'changements faits' })} dans Moodle non journalisés (la synchronisation suivante les lit dans Moodle)` : ''
    }`;
    return r.recorded
      ? `la base de données a été indisponible pendant la synchronisation, arrêtée avant l’écriture suivante (détail technique : ${r.detail}) ; ${rows}`
      : `la base de données n’est pas revenue dans le délai SYNC_DB_RETRY_SECONDS (détail technique : ${r.detail}) : cette synchronisation n’est pas enregistrée (la suivante la close comme interrompue) ; ${rows}`;
  },
  legacy: (r) => `(enregistré avant la version 1.3, en anglais) ${r.text}`,
};

/** For readers who do not configure cohortbot (all but administrators): the same reasons without setting names. */
export const guardPlainFr: Partial<WordsFor<GuardReason>> = {
  tooFewRecords: (r) => skipped(r.effect, `l’annuaire compte ${etudiants(r.students)}, moins que le minimum attendu (${n(r.min)})`),
  belowRatio: (r) => skipped(r.effect, `l’annuaire compte ${etudiants(r.students)}, bien moins que les ${n(r.last)} de la dernière bonne synchronisation`),
  tooManyRemovals: (r) => `retraits retenus pour approbation : ${retraits(r.removals)}, plus que le maximum permis sans approbation (${n(r.max)})`,
  removalPercent: (r) => `retraits retenus pour approbation : ${retraits(r.removals)} font ${formatDecimal(r.percent, 'fr')} % des ${n(r.memberships)} appartenances gérées, au-dessus du maximum permis sans approbation (${formatDecimal(r.max, 'fr')} %)`,
  storeUnavailable: (r) => (r.recorded ? 'la base de données a été indisponible pendant la synchronisation, arrêtée avant l’écriture suivante' : 'la base de données n’est pas revenue à temps : cette synchronisation n’est pas enregistrée (la suivante la close comme interrompue)'),
};
