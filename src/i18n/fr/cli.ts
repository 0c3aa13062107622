/** Les sorties texte de la ligne de commande (`sync`, `approve`, `reject`, `status`, `forget`), en français. */
import type { PlatformRunSummary } from '../../store/types';
import { count, formatNumber } from '../format';

const n = (x: number) => formatNumber(x, 'fr');

export const cliFr = {
  run: (id: string, status: string, scope: string, ms: number) => `synchronisation ${id} : ${status} (${scope}, ${n(ms)} ms)`,
  directory: (students: number, incomplete: boolean) => `annuaire : ${count(students, 'fr', { one: 'étudiant', other: 'étudiants' })}${incomplete ? ' — LECTURE INCOMPLÈTE' : ''}`,
  guard: (text: string) => `garde-fou : ${text}`,
  platform: (p: PlatformRunSummary) =>
    `${p.name} : ${count(p.cohortsCreated, 'fr', { one: 'cohorte créée', other: 'cohortes créées' })}, ${count(p.membersAdded, 'fr', { one: 'ajout', other: 'ajouts' })}, ${count(p.membersRemoved, 'fr', { one: 'retrait', other: 'retraits' })}, ${count(p.removalsHeld, 'fr', { one: 'retrait retenu', other: 'retraits retenus' })}, ${count(p.removalsSkipped, 'fr', { one: 'retrait non appliqué', other: 'retraits non appliqués' })}, ${count(p.pendingAccounts, 'fr', { one: 'compte en attente', other: 'comptes en attente' })} ; ${count(p.writeCalls, 'fr', { one: 'appel', other: 'appels' })} d’écriture / ${n(p.readCalls)} de lecture`,
  error: (e: string) => `  erreur : ${e}`,
  approveHint: (id: string) => `approuver : cohortbot approve ${id}   (ou cohortbot reject ${id})`,
  rejected: (id: string, removals: number) => `synchronisation ${id} : ${count(removals, 'fr', { one: 'retrait retenu abandonné', other: 'retraits retenus abandonnés' })}`,
  nextRun: (at: string | undefined, cron: string, tz: string) => `prochaine synchronisation : ${at ?? 'non planifiée'} (${cron}, ${tz})`,
  decision: (text: string) => `  décision : ${text}`,
  runningNow: (holder: string) => `en cours : ${holder}`,
  held: (id: string, removals: number, reasons: string) => `retenus : synchronisation ${id}, ${count(removals, 'fr', { one: 'retrait', other: 'retraits' })} (${reasons})`,
  erased: (who: string, total: number, e: { journal: number; audit: number; runs: number; heldPlans: number; state: number }) =>
    `${who} : ${count(total, 'fr', { one: 'ligne effacée ou vidée', other: 'lignes effacées ou vidées' })} — journal ${n(e.journal)}, audit ${n(e.audit)}, synchronisations ${n(e.runs)}, retraits retenus ${n(e.heldPlans)}, état du chat ${n(e.state)}`,
  directoryRead: {
    labels: { source: 'source', complete: 'complet', entries: 'entrées', students: 'étudiants', years: 'années', warning: 'alerte', etape: 'étape', skipped: 'écartés', count: 'nombre' },
    yes: 'oui',
    no: (why: string) => `NON — ${why}`,
    kept: (years: string) => `(gardées : ${years})`,
    readIn: (ms: number) => `lu en ${formatNumber(ms, 'fr')} ms`,
  },
  noCourse: (course: string, platforms: string) => `aucun cours « ${course} » sur ${platforms}`,
  courseDidYouMean: (commands: string) => `vouliez-vous dire ${commands} ?`,
  severalCourses: (course: string, list: string) => `« ${course} » correspond à plusieurs cours : ${list} ; précisez lequel avec plateforme:nom_abrégé`,
  whyCommand: (student: string, course: string) => `cohortbot why ${student} ${course}`,
  storeAway: (detail: string) => `la base de données est indisponible, rien n’a été fait : ${detail}`,
};
