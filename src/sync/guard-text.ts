/**
 * The guard's reasons in words, French and English. English is also what the CLI and the JSON
 * documents print (`guard: [...]`), so operators' scripts keep reading the same sentences.
 */
import type { GuardReason } from './guard';

export type GuardLocale = 'fr' | 'en';

const num = (n: number, locale: GuardLocale) => n.toLocaleString(locale === 'en' ? 'en-GB' : 'fr-FR');

export function guardText(r: GuardReason, locale: GuardLocale = 'en'): string {
  const fr = locale === 'fr';
  const n = (x: number) => num(x, locale);
  const skipped = (effect: 'skip' | 'none', why: string) => (effect === 'skip' ? (fr ? `retraits non appliqués : ${why}` : `removals skipped: ${why}`) : why);
  switch (r.code) {
    case 'incomplete':
      if (r.effect === 'skip') return fr ? `lecture de l’annuaire incomplète (détail technique : ${r.detail}) : ajouts appliqués, retraits retenus jusqu’à une lecture complète` : `directory read incomplete: ${r.detail}; adds applied, removals withheld until a complete read`;
      return fr ? `lecture de l’annuaire incomplète (détail technique : ${r.detail}) ; rien n’a été modifié` : `directory read incomplete: ${r.detail}; nothing was changed`;
    case 'noInscriptions':
      return skipped(r.effect, fr ? 'l’annuaire ne donne aucune inscription pour l’année visée' : 'the directory gives no inscription for the target year');
    case 'tooFewRecords':
      return skipped(r.effect, fr ? `l’annuaire compte ${n(r.students)} étudiants, moins que SYNC_MIN_SOURCE_RECORDS=${r.min}` : `the directory has ${r.students} students, fewer than SYNC_MIN_SOURCE_RECORDS=${r.min}`);
    case 'belowRatio':
      return skipped(r.effect, fr ? `l’annuaire compte ${n(r.students)} étudiants, moins que ${String(r.ratio).replace('.', ',')} × ${n(r.last)} de la dernière bonne synchronisation (SYNC_MIN_SOURCE_RATIO)` : `the directory has ${r.students} students, fewer than ${r.ratio} × ${r.last} of the last good run (SYNC_MIN_SOURCE_RATIO)`);
    case 'sourceWarning':
      return skipped(r.effect, fr ? `lecture de l’annuaire douteuse (détail technique : ${r.detail})` : r.detail);
    case 'tooManyRemovals':
      return fr ? `retraits retenus pour approbation : ${n(r.removals)} retraits dépassent SYNC_MAX_REMOVALS=${r.max}` : `removals held for approval: ${r.removals} removals exceed SYNC_MAX_REMOVALS=${r.max}`;
    case 'removalPercent':
      return fr
        ? `retraits retenus pour approbation : ${n(r.removals)} retraits font ${String(r.percent.toFixed(1)).replace('.', ',')} % des ${n(r.memberships)} appartenances gérées, au-dessus de SYNC_MAX_REMOVAL_PERCENT=${r.max}`
        : `removals held for approval: ${r.removals} removals are ${r.percent.toFixed(1)} % of ${r.memberships} managed memberships, above SYNC_MAX_REMOVAL_PERCENT=${r.max}`;
    case 'runFailed':
      return fr ? `la synchronisation a échoué (détail technique : ${r.detail})` : `run failed: ${r.detail}`;
    case 'interrupted':
      return fr ? 'interrompue : le processus a été arrêté avant la fin ; la synchronisation suivante reprend où elle en était' : 'interrupted: the process was stopped before the end; the next run converges from where it was';
    case 'storeUnavailable': {
      const rows = fr
        ? `${n(r.journalled)} ligne(s) de journal écrites à son retour${r.unjournalled ? `, ${n(r.unjournalled)} changement(s) faits dans Moodle non journalisés (la synchronisation suivante les lit dans Moodle)` : ''}`
        : `${r.journalled} journal row(s) written once it was back${r.unjournalled ? `, ${r.unjournalled} change(s) made in Moodle not journalled (the next run reads them from Moodle)` : ''}`;
      if (!r.recorded) {
        return fr
          ? `la base de données n’est pas revenue dans le délai SYNC_DB_RETRY_SECONDS (détail technique : ${r.detail}) : cette synchronisation n’est pas enregistrée (la suivante la close comme interrompue) ; ${rows}`
          : `the store did not come back within SYNC_DB_RETRY_SECONDS (${r.detail}): this run is not recorded (the next run closes it as interrupted); ${rows}`;
      }
      return fr ? `la base de données a été indisponible pendant la synchronisation, arrêtée avant l’écriture suivante (détail technique : ${r.detail}) ; ${rows}` : `the store was unavailable during the run, stopped before its next write (${r.detail}); ${rows}`;
    }
    case 'text':
      return r.detail;
  }
}
