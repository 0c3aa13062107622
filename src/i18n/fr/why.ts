/**
 * The "why" diagnosis in French: verdicts, steps, facts and fixes are codes (src/diagnosis/why.ts);
 * these are their words. Dates and counts go through ../format (ACADEMIC_TIMEZONE, plural rules).
 */
import { Gender, agree, count } from '../format';
import type { Verdict } from '../../diagnosis/why';
import type { FixAction } from '../../diagnosis/effect';
import { rolesFr } from './roles';

/** What a fix's words are given: the cohort it names, the end it sets, the start it moves (dates already in words). */
export interface FixWords {
  cohort: string;
  until?: string;
  from?: string;
}

export const whyFr = {
  // The title says the answer: access, or the question of its absence (agreeing with the student when the directory says how).
  title: (student: string, course: string, has: boolean, gender?: Gender) =>
    has ? `${student} a accès à ${course}` : `Pourquoi ${student} ${agree(gender, { m: 'n’est pas inscrit à', f: 'n’est pas inscrite à', neutral: 'n’a pas accès à' })} ${course} ?`,
  // An active enrolment, the account's state not told (a teacher's view, diagnosis/access.ts `enrolled`):
  // enrolled, never "access" — the same words whether or not the account is suspended.
  titleEnrolled: (student: string, course: string, gender?: Gender) => `${student} ${agree(gender, { m: 'est inscrit à', f: 'est inscrite à', neutral: 'a une inscription active à' })} ${course}`,
  // Enrolled and active in the course, but the account is suspended: it cannot get in (support's view only).
  titleNoLogin: (student: string, course: string, gender?: Gender) =>
    `${student} ${agree(gender, { m: 'est inscrit à', f: 'est inscrite à', neutral: 'a une inscription active à' })} ${course}, mais ne peut pas se connecter (compte Moodle suspendu)`,
  onDay: (day: string) => `(question posée pour le ${day})`,
  steps: { moodle: 'Ce que dit Moodle', directory: 'Annuaire', sync: 'Ce que veut la synchronisation', course: 'Cohortes synchronisées par le cours' } as Record<string, string>,
  marks: { ok: '✓', broken: '✗', skipped: '·', info: 'ℹ' } as Record<string, string>,
  roles: rolesFr,
  methods: { cohort: 'synchronisation de cohorte', manual: 'inscription manuelle', self: 'auto-inscription', guest: 'accès anonyme', unknown: 'inscription' } as Record<string, string>,
  states: { active: 'active', 'instance-disabled': 'méthode désactivée', suspended: 'inscription suspendue', 'not-started': 'pas encore commencée', ended: 'terminée' } as Record<string, string>,
  // Facts.
  account: (username: string, id: number, lastAccess: string | undefined, suspended: boolean) =>
    `compte ${username} (id ${id})${suspended ? ' — SUSPENDU : il ne peut pas se connecter' : ''}${lastAccess ? ` — dernière connexion ${lastAccess}` : ' — jamais connecté'}`,
  noAccount: (field: string, key: string) => `aucun compte Moodle avec ${field} = ${key}`,
  via: (method: string, instance: string, cohort: string | undefined, role: string, state: string, until: string | undefined) =>
    `${method}${instance ? ` « ${instance} »` : ''}${cohort ? ` (cohorte ${cohort})` : ''}, rôle ${role || 'aucun'} : ${state}${until ? `, fin ${until}` : ''}`,
  noEnrolment: 'aucune inscription dans ce cours',
  directoryFound: (key: string, number: string | undefined, listeRouge: boolean) => `${key}${number ? ` — n° étudiant ${number}` : ''}${listeRouge ? ' — liste rouge (réponse privée uniquement)' : ''}`,
  directoryNone: (ref: string) => `aucune entrée étudiante pour « ${ref} »`,
  directoryExcluded: { not_student: 'entrée trouvée, mais sans l’affiliation « student »', no_user_key: 'entrée trouvée, sans identifiant utilisable', no_inscription: 'entrée trouvée, sans inscription lisible' } as Record<string, string>,
  directoryExcludedOther: (reason: string) => `entrée trouvée, pas un étudiant utilisable (${reason})`,
  directoryUnreadable: (reason: string) => `lecture de l’annuaire impossible (détail technique : ${reason})`,
  directorySeveral: (n: number, ref: string) => `${n} entrées correspondent à « ${ref} » : précisez l’identifiant`,
  inscriptions: (list: string) => `inscriptions : ${list || 'aucune'}`,
  window: (current: number, add: string, keepOnly: string) => `année ${current}-${current + 1} : comptent les inscriptions ${add}${keepOnly ? ` ; ${keepOnly} seulement pour garder les membres (délai de grâce)` : ''}`,
  wants: {
    keep: (cohort: string, grace: boolean) => `membre de ${cohort}${grace ? ' — gardé pendant le délai de grâce' : ''} ; la prochaine synchronisation le garde`,
    add: (cohort: string) => `pas encore membre de ${cohort} : la prochaine synchronisation l’ajoutera (l’annuaire prime)`,
    'pending-account': (cohort: string) => `attendu dans ${cohort}, mais sans compte Moodle : ajouté dès sa première connexion`,
    none: (cohort: string) => `${cohort} : inscription de l’an dernier, qui garde un membre mais n’en ajoute pas`,
    held: (cohort: string) => `${cohort} : retrait retenu`,
  } as Record<string, (cohort: string, grace: boolean) => string>,
  leaves: (cohort: string, held: boolean, runId?: string) =>
    held ? `encore membre de ${cohort} ; son retrait est retenu par la synchronisation ${runId}, en attente d’un administrateur — il reste inscrit d’ici là` : `encore membre de ${cohort}, que l’annuaire ne justifie plus : la prochaine synchronisation l’en retirera`,
  notWanted: {
    'no-inscription': 'aucune inscription dans l’annuaire',
    cancelled: 'inscription de l’année annulée ou pas en vigueur',
    'other-year': 'aucune inscription pour l’année comptée',
    'other-platform': 'ses étapes ne vont pas sur cette plateforme',
    'not-student': 'pas un étudiant de l’annuaire : la synchronisation ne le gère pas',
  } as Record<string, string>,
  routed: (list: string) => `routage : ${list}`,
  pendingAccount: (since?: string) => `compte en attente${since ? ` depuis ${since}` : ''}`,
  lastRun: (runId: string, at: string, action: string, cohort: string) => `dernière synchronisation qui l’a concerné : ${runId} (${at}), ${action} ${cohort}`,
  journalActions: { add: 'ajout à', remove: 'retrait de', held: 'retrait retenu de', pending: 'compte attendu pour' } as Record<string, string>,
  courseSync: (cohort: string, enabled: boolean, role: string, holds: boolean) => `${cohort} (${enabled ? 'active' : 'désactivée'}, rôle ${role || 'aucun'})${holds ? ' — l’étudiant en est membre' : ''}`,
  courseSyncsNone: 'le cours ne synchronise aucune cohorte',
  courseUnreadable: 'méthodes du cours illisibles ici',
  // Verdicts.
  verdicts: {
    access: (via: string) => `A accès au cours, par ${via}. Rien à faire.`,
    enrolled: (via: string) => `Inscription active au cours, par ${via}. Si cette personne ne parvient pas à y entrer, le support peut vérifier son compte Moodle.`,
    'access-removal-held': (via: string, runId: string) => `A toujours accès (par ${via}) : son retrait attend qu’un administrateur approuve ou rejette la synchronisation ${runId}.`,
    'access-ends-next-run': (via: string, _r: string, when: string) => `A accès aujourd’hui (par ${via}), mais la prochaine synchronisation (${when}) le retirera : l’annuaire ne justifie plus sa cohorte.`,
    'account-suspended': () => 'Le compte Moodle est suspendu : il ne peut pas se connecter.',
    'account-missing': (_v: string, _r: string, when: string) => `Pas encore de compte Moodle : il sera créé à sa première connexion, puis la synchronisation (${when}) l’ajoutera.`,
    'enrolment-disabled': () => 'Sa voie d’accès existe, mais la méthode est désactivée dans le cours.',
    'enrolment-suspended': () => 'Son inscription au cours est suspendue.',
    'enrolment-ended': () => 'Son inscription au cours est terminée.',
    'enrolment-not-started': (_v: string, from: string) => `Son inscription au cours n’a pas encore commencé : elle commence le ${from}.`,
    'not-in-cohort': (_v: string, cohort: string, when: string) => `Pas encore membre de ${cohort}, que le cours synchronise : la prochaine synchronisation (${when}) l’ajoutera.`,
    'course-not-syncing': (_v: string, cohort: string) => `Le cours ne synchronise pas ${cohort}, la cohorte de son étape, et il n’y est pas inscrit autrement.`,
    'cohort-task-pending': () => 'Membre de la cohorte, mais Moodle n’a pas encore appliqué la synchronisation de cohorte (tâche horaire).',
    'not-wanted': (_v: string, reason: string) => `La synchronisation ne l’inscrit nulle part ici : ${reason}.`,
    'directory-unreadable': () => 'L’annuaire ne répond pas et Moodle ne connaît pas ce compte : réessayez plus tard.',
    'directory-ambiguous': () => 'Plusieurs personnes correspondent : choisissez.',
    'unknown-student': (_v: string, ref: string) => `Personne ne correspond à « ${ref} » : ni dans l’annuaire, ni dans Moodle.`,
    'not-in-course': () => 'Pas dans ce cours : ni inscrit, ni membre d’une cohorte synchronisée avec lui.',
  } as Record<Verdict, (via: string, param: string, when: string) => string>,
  nextRun: 'la prochaine synchronisation',
  /** Between the facts of one step. */
  factSep: ' ; ',
  // Fixes: what, who, and the full effect.
  fixTitle: 'À faire',
  noFixTeacher: 'Rien que vous puissiez corriger dans le cours : demandez au support (commande `pourquoi`), qui voit toute la chaîne.',
  fixes: {
    'add-cohort-sync': (p: { cohort: string }) => `ajouter la synchronisation de ${p.cohort} au cours`,
    'enable-cohort-sync': (p: { cohort: string }) => `réactiver la synchronisation de ${p.cohort} dans le cours`,
    'reactivate-enrolment': (p: { until?: string }) => `réactiver son inscription manuelle${p.until ? ` jusqu’au ${p.until}` : ''}`,
    'change-enrolment-start': (p: { from?: string }) => `son inscription manuelle commence le ${p.from} : avancer sa date de début si elle doit commencer dès maintenant`,
    'enrol-manually': (p: { until?: string }) => `l’inscrire manuellement, rôle étudiant, jusqu’au ${p.until}`,
    'reactivate-account': () => 'réactiver son compte Moodle',
    'sync-student': (p: { cohort: string }) => `synchroniser l’étudiant maintenant (il entre dans ${p.cohort})`,
    'run-cohort-task': () => 'lancer la tâche Moodle « Synchronisation des cohortes » (ou attendre l’heure suivante)',
    'ask-registrar': () => 'demander à la scolarité de corriger son inscription dans Apogée',
    'first-login': () => 'que l’étudiant se connecte une première fois à Moodle',
  } as Record<FixAction['action'], (p: FixWords) => string>,
  who: { teacher: 'un enseignant du cours', support: 'le support', admin: 'un administrateur cohortbot', 'moodle-admin': 'un administrateur Moodle', registrar: 'la scolarité', student: 'l’étudiant' } as Record<string, string>,
  first: (list: string) => `après : ${list}`,
  effect: (adds: number, removes: number) =>
    adds === 0 && removes === 0
      ? 'ne change aucune inscription du cours'
      : [adds ? `inscrit ${count(adds, 'fr', { one: 'personne', other: 'personnes' })}` : '', removes ? `désinscrit ${count(removes, 'fr', { one: 'personne', other: 'personnes' })}` : ''].filter(Boolean).join(', '),
  effectOthers: (n: number) => `dont ${count(n, 'fr', { one: 'autre personne non inscrite aujourd’hui', other: 'autres personnes non inscrites aujourd’hui' })}`,
  narrower: 'plus étroit : seulement lui',
  fixLine: (what: string, who: string, effect: string) => `${what} — par ${who} ; ${effect}`,
};

export type WhyCatalog = typeof whyFr;
