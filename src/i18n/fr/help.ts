/**
 * Section « help » du catalogue (#26 B) : l'aide par personne, ce que le bot dit quand il ne comprend
 * pas, et les phrases qui disent ce qui va vraiment se passer (ajout existant, activation, rôle perdu,
 * décision d'un retrait retenu). Les exemples entre accents graves sont des commandes qui marchent ;
 * `<…>` marque ce que la personne remplace.
 */
import { count } from '../format';

const n = (k: number, one: string, other: string) => count(k, 'fr', { one, other });
/** Le mot d'un rôle (son nom abrégé Moodle) au pluriel qui s'accorde avec le nombre. */
const roleWord = (k: number, role: string): string =>
  role === 'student' ? n(k, 'étudiant', 'étudiants') : role === 'editingteacher' ? n(k, 'enseignant', 'enseignants') : role === 'teacher' ? n(k, 'tuteur (enseignant non éditeur)', 'tuteurs (enseignants non éditeurs)') : role === 'manager' ? n(k, 'gestionnaire', 'gestionnaires') : n(k, 'participant', 'participants');

export const helpFr = {
  title: 'cohortbot — aide',
  intro: 'Je relie les cohortes Moodle à vos cours et je réponds aux questions sur leur synchronisation nocturne.',
  apogee: 'Apogée est le logiciel de scolarité de l’université ; un code étape (ex. L2PHA1) y désigne une année d’un diplôme. Chaque code étape a sa cohorte générale (etp:L2PHA1), remplie chaque nuit depuis l’annuaire.',
  example: (cmd: string) => `ex. \`${cmd}\``,
  /** Between the items of a list on one line. */
  listSep: ' ; ',
  sections: { everyone: 'Pour tous', teacher: 'Enseignant (dans vos cours)', support: 'Support', admin: 'Administrateur' },
  platforms: 'Vos comptes',
  accountOn: (platform: string, username: string) => `${platform} : compte ${username}`,
  noAccountOn: (platform: string) => `${platform} : pas de compte (les commandes de cours n’y marchent pas pour vous)`,
  noAccount: 'Aucun compte Moodle ne correspond à votre adresse : vous pouvez seulement utiliser `aide` et `qui suis-je`. Connectez-vous une fois à Moodle, puis réessayez.',
  courseForms: 'Un cours se désigne par son nom abrégé (majuscules indifférentes), son nom complet, son id, son numéro d’identification ou son URL Moodle ; préfixez par la plateforme si besoin, ex. `méthodes ecampus:PHA-L2-101`.',
  /** [commande avec <…>, à quoi elle sert, exemple ou undefined] */
  lines: {
    help: ['aide', 'cette aide', undefined],
    whoami: ['qui suis-je', 'votre compte Moodle sur chaque plateforme', undefined],
    search: ['chercher <texte> [dans <cours>]', 'trouver une cohorte', (c: string) => `chercher pharma dans ${c}`],
    syncs: ['méthodes <cours>', 'les cohortes synchronisées avec un cours', (c: string) => `méthodes ${c}`],
    add: ['ajouter <cohorte> à <cours> [rôle étudiant] [groupe aucun|nouveau|<nom>] [nom "…"] [inactive]', 'synchroniser une cohorte avec un cours (confirmation d’abord)', undefined],
    update: ['modifier <cohorte> dans <cours> [rôle …] [groupe …] [activer|désactiver] [nom "…"]', 'changer rôle, groupe, état ou nom', undefined],
    remove: ['retirer <cohorte> de <cours>', 'retirer une synchronisation (confirmation d’abord)', undefined],
    status: ['état [<cohorte>|<plateforme>]', 'dernière synchronisation, prochaine, retraits retenus', () => 'état'],
    whyTeacher: ['pourquoi <étudiant> <cours>', 'ce que votre cours sait d’un étudiant (réponse privée)', undefined],
    whySupport: ['pourquoi <étudiant> <cours>', 'pourquoi un étudiant n’est pas inscrit : toute la chaîne (réponse privée)', undefined],
    syncStudent: ['synchroniser étudiant <étudiant>', 'synchroniser un étudiant maintenant', undefined],
    history: ['historique <étudiant>', 'le journal d’un étudiant (réponse privée)', undefined],
    createCohort: ['créer cohorte "<nom>" [<identifiant>] [dans <plateforme>]', 'créer une cohorte manuelle', undefined],
    addMembers: ['ajouter membres <cohorte> <liste>', 'ajouter des personnes à une cohorte manuelle', undefined],
    removeMembers: ['retirer membres <cohorte> <liste>', 'retirer des personnes d’une cohorte manuelle', undefined],
    members: ['membres <cohorte>', 'les membres d’une cohorte (réponse privée)', (c: string) => `membres ${c}`],
    syncOther: ['synchroniser cohorte <code étape> | plateforme <plateforme> | tout', 'une synchronisation ciblée maintenant', () => 'synchroniser tout'],
    approve: ['approuver <run>', 'appliquer les retraits retenus par le garde-fou (confirmation d’abord)', undefined],
    reject: ['rejeter <run>', 'abandonner les retraits retenus (confirmation d’abord)', undefined],
    summaryHere: ['résumé ici', 'publier le résumé quotidien dans ce canal d’équipe', undefined],
    myCourses: ['mes cours', 'vos cours (réponse privée)', () => 'mes cours'],
    selfWhy: ['pourquoi je ne suis pas inscrit(e) en <cours>', 'ce qui vous manque pour un cours (vous seul)', undefined],
    notifications: ['notifications oui|non', 'recevoir ou non l’avis privé après une synchronisation qui a changé vos cours', undefined],
    changes: ['changements <cours>', 'qui est arrivé ou parti à la dernière synchronisation (réponse privée)', (c: string) => `changements ${c}`],
  } as Record<string, [string, string, ((c: string) => string) | undefined]>,

  notUnderstood: (input: string) => `Je n’ai pas compris « ${input} ».`,
  closest: (cmd: string) => `La commande la plus proche : \`${cmd}\`.`,
  courseDidYouMean: (courses: string) => `Vouliez-vous dire ${courses} ?`,
  addDoneInactive: (cohort: string, course: string, cmd: string) => `C’est fait : ${cohort} est ajoutée à ${course}, désactivée — personne n’y est inscrit par elle. Pour l’activer : \`${cmd}\``,

  notYourCourse: (course: string) => `Aucun cours « ${course} » parmi ceux que vous enseignez. Vérifiez le nom abrégé, l’id ou l’URL ; pour un autre cours, demandez au support.`,
  historyScope: 'Ce journal est celui de la synchronisation (cohortes générales). Les changements faits à la main dans les cohortes manuelles (`ajouter membres <cohorte> <liste>`, `retirer membres <cohorte> <liste>`) n’y figurent pas : ils sont au journal d’audit, et `membres <cohorte>` montre leur état actuel.',
  noMorePages: 'Il n’y a rien de plus à montrer : votre dernière recherche tenait sur une page (ou elle est trop ancienne). Cherchez à nouveau : `chercher <texte>`.',
  pastLastPage: (page: number, pages: number) => `Il n’y a pas de page ${page} : cette recherche tient sur ${count(pages, 'fr', { one: 'page', other: 'pages' })}.`,
  cancelledNothing: 'Il n’y avait rien en attente de confirmation : rien n’a été annulé.',
  addExists: (cohort: string, course: string, state: string, role: string) => `${cohort} est déjà synchronisée avec ${course} (rôle ${role}, ${state}) : rien ne sera ajouté.`,
  addExistsDisabled: (cmd: string) => `Elle est désactivée : ses membres n’ont pas accès au cours par elle. Pour l’activer : \`${cmd}\``,
  addExistsChange: (cmd: string) => `Pour la changer : \`${cmd}\``,
  addWillEnrol: (cohort: string, course: string, members: number) => `La cohorte ${cohort} (${n(members, 'membre', 'membres')}) sera synchronisée avec ${course} : ses membres y seront inscrits tout de suite, puis suivis chaque nuit.`,
  addWillNotEnrol: (cohort: string, course: string, members: number) => `La cohorte ${cohort} (${n(members, 'membre', 'membres')}) sera ajoutée à ${course}, désactivée : personne ne sera inscrit avant son activation.`,
  enableConfirmTitle: 'Activer la synchronisation ?',
  enableConfirmText: (cohort: string, course: string, k: number, role: string, roleName: string) =>
    `La synchronisation de ${cohort} sera activée dans ${course} : ${role === 'student' ? `${roleWord(k, role)} ${k > 1 ? 'seront inscrits' : 'sera inscrit'} au cours` : `${n(k, 'membre', 'membres')} de la cohorte ${k > 1 ? 'seront inscrits' : 'sera inscrit'} au cours avec le rôle « ${roleName} »`}.`,
  roleChangeText: (cohort: string, course: string, k: number, from: string, toName: string, fromName: string) => `${roleWord(k, from)} ${k > 1 ? 'inscrits' : 'inscrit'} par ${cohort} dans ${course} ${k > 1 ? 'recevront' : 'recevra'} le rôle « ${toName} » à la place de « ${fromName} ».`,
  loseRole: (k: number, role: string, roleName: string) => `${roleWord(k, role)} ${k > 1 ? 'perdront' : 'perdra'} leur rôle « ${roleName} » dans le cours.`,
  whoLeave: (k: number, role: string) => (k < 0 ? 'un nombre inconnu de participants ne seront plus inscrits' : `${roleWord(k, role)} ${k > 1 ? 'ne seront plus inscrits' : 'ne sera plus inscrit'}`),
  removeText: (cohort: string, course: string, leave: string) => `La synchronisation de ${cohort} sera retirée de ${course} : ${leave} au cours (ceux qui y sont inscrits autrement le restent).`,
  people: roleWord,
  nameOnCard: 'Nom de la méthode',

  rejectTitle: (run: string) => `Rejeter les retraits retenus de ${run} ?`,
  rejectSummary: (k: number) => `${n(k, 'retrait retenu', 'retraits retenus')} seront abandonnés (ces personnes restent dans leurs cohortes), par cohorte :`,
  decisionApproved: (run: string, by: string, at: string, removed: number, approval: string) => `Retraits retenus de ${run} approuvés par ${by} le ${at} : ${n(removed, 'retiré', 'retirés')} (synchronisation ${approval}).`,
  decisionApprovedNoRun: (run: string, by: string, at: string) => `Retraits retenus de ${run} approuvés par ${by} le ${at}.`,
  decisionRejected: (run: string, by: string, at: string, k: number) => `Retraits retenus de ${run} rejetés par ${by} le ${at} : ${n(k, 'personne reste dans sa cohorte', 'personnes restent dans leur cohorte')}.`,
  decisionSuperseded: (run: string, by: string) => `Les retraits retenus de ${run} ont été remplacés par ceux de la synchronisation ${by} : aucun n’a été appliqué.`,
  runLabel: (run: string, at: string) => `Synchronisation ${run} du ${at}`,
  lastScoped: (scope: string, at: string, added: number, removed: number) => `Dernière synchronisation ciblée (${scope}) le ${at} : ${n(added, 'ajout', 'ajouts')}, ${n(removed, 'retrait', 'retraits')}.`,
  scopeStudent: 'un étudiant',
  scopeCohort: (c: string) => `cohorte ${c}`,
  scopePlatform: (p: string) => `plateforme ${p}`,
  noFullRun: 'Aucune synchronisation complète n’a encore eu lieu.',
  cohortNoRun: (cohort: string) => `Aucune synchronisation n’a encore changé ${cohort}.`,
  cohortRunCounts: (cohort: string, platform: string, run: string, at: string) => `${cohort} sur ${platform}, synchronisation ${run} du ${at}`,
};

export type HelpSection = typeof helpFr;
