import type { AccountProblem } from '../bot/identity';
import type { GuardReason } from '../domain/codes';
import { guardPlainText, guardText } from './codes';
import { guardFr } from './fr/guard';
import { journalFr } from './fr/journal';
import { moodleFr } from './fr/moodle';
import { runFr } from './fr/run';
import { Gender, agree, count } from './format';
import { formsFr } from './fr/forms';
import { channelsFr } from './fr/channels';
import type { MissingWhat } from '../bot/commands';
import type { SyncRequestProblem } from '../sync/engine';
import { noticesFr } from './fr/notices';
import { commandsFr } from './fr/commands';

/** A count and the word that agrees with it (French plural rules: 0 and 1 are singular). */
const n$ = (n: number, one: string, other: string) => count(n, 'fr', { one, other });
/** How many people, with the word their role takes (a negative count: Moodle did not say). */
const people = (n: number, role: string): string => (n < 0 ? 'un nombre inconnu de participants' : role === 'student' ? n$(n, 'étudiant', 'étudiants') : role === 'teacher' || role === 'editingteacher' ? n$(n, 'enseignant', 'enseignants') : n$(n, 'participant', 'participants'));
/** The verb after people(n): singular up to one, as French counts (0 étudiant a…). */
const verb = (n: number, one: string, other: string): string => (n >= 0 && n <= 1 ? one : other);

/** Catalogue français (langue par défaut). Chaque réponse se termine par la prochaine commande utile. */
import { helpFr } from './fr/help';
import { rolesFr } from './fr/roles';
export const fr = {
  locale: 'fr',
  notices: noticesFr,
  /** Commands written out for the asker to type or click. */
  cmd: commandsFr,
  yes: 'oui',
  no: 'non',
  confirm: 'Confirmer',
  cancel: 'Annuler',
  more: 'Voir plus',
  none: 'aucun',
  enabled: 'active',
  disabled: 'désactivée',
  managed: 'générale (synchronisée)',
  manual: 'manuelle',
  available: 'oui',
  notAvailable: 'non',
  platform: 'Plateforme',
  course: 'Cours',
  cohort: 'Cohorte',
  role: 'Rôle',
  group: 'Groupe',
  members: 'Membres',
  status: 'État',
  name: 'Nom',
  roleLabels: rolesFr,
  // enrol_cohort names the group from its lang string, in the site's language ("<cohort> cohort" in English): said in the reader's words.
  newGroup: (cohort: string) => `nouveau groupe au nom de la cohorte « ${cohort} »`,

  helpTitle: 'cohortbot — aide',
  helpIntro: 'Je relie les cohortes Moodle à vos cours et je réponds aux questions sur la synchronisation nocturne des cohortes par code étape.',
  helpTeacher: [
    '`chercher <texte> [dans <cours>]` — trouver une cohorte (ex. `chercher pharma dans PHA-L2-101`)',
    '`méthodes <cours>` — les synchronisations de cohortes d’un cours',
    '`ajouter <cohorte> à <cours> [rôle étudiant] [groupe aucun|nouveau|<nom>] [nom "…"] [inactive]`',
    '`modifier <cohorte> dans <cours> [rôle …] [groupe …] [activer|désactiver] [nom "…"]`',
    '`retirer <cohorte> de <cours>`',
    '`état` — dernière synchronisation, prochaine, retraits en attente',
    '`qui suis-je` — votre compte Moodle et vos droits ici',
  ],
  helpSupport: [
    '`pourquoi <étudiant> <cours>` — pourquoi un étudiant n’est pas inscrit (réponse privée)',
    '`synchroniser étudiant <étudiant>` — synchroniser un étudiant maintenant',
    '`historique <étudiant>` — le journal d’un étudiant (réponse privée)',
    '`créer cohorte "<nom>" [idnumber] [dans <plateforme>]`, `ajouter membres <cohorte> <liste>`, `retirer membres <cohorte> <liste>`, `membres <cohorte>` — cohortes manuelles',
  ],
  helpAdmin: ['`synchroniser cohorte <cohorte>`, `synchroniser plateforme <plateforme>` ou `synchroniser tout`', '`approuver <run>`, `rejeter <run>` — retraits retenus par le garde-fou'],
  helpCourseForms: 'Un cours se désigne par son id, son nom abrégé, son numéro d’identification ou son URL Moodle (qui choisit la plateforme) ; préfixez par la plateforme si besoin : `ecampus:PHA-L2-101`.',

  unknownCommand: (input: string) => `Je n’ai pas compris « ${input} ».`,
  didYouMean: (cmd: string) => `Vouliez-vous dire \`${cmd}\` ?`,
  seeHelp: 'Tapez `aide` pour la liste des commandes.',
  optionsAllowed: { options: 'rôle <…>, groupe aucun|nouveau|<nom>, nom "<…>", inactive, activer, désactiver', page: 'page <n>', none: 'aucune' } as Record<'options' | 'page' | 'none', string>,
  roleNotAssignable: (role: string, possible: string) => `Vous ne pouvez pas donner le rôle « ${role} » dans ce cours. Rôles possibles : ${possible || 'aucun'}.`,
  missingWhat: {
    role: 'le rôle',
    group: 'le groupe',
    name: 'le nom',
    cohortName: 'le nom de la cohorte',
    cohortAndList: 'la cohorte et la liste',
    confirmation: 'la confirmation',
    searchText: 'le texte à chercher',
    course: 'le cours',
    cohortAndCourse: 'la cohorte et le cours',
    studentAndCourse: 'l’étudiant et le cours',
    syncTarget: 'un étudiant, une cohorte, une plateforme ou « tout »',
    student: 'l’étudiant',
    cohort: 'la cohorte',
    platform: 'la plateforme',
    runId: 'l’identifiant de la synchronisation',
  } as Record<MissingWhat, string>,
  missing: (what: string, example: string) => `Il manque ${what}. Exemple : \`${example}\``,
  tooLong: (max: number) => `Message trop long (plus de ${max} caractères) : envoyez une seule commande à la fois.`,
  badOption: (option: string, allowed: string) => `Option inconnue ou invalide « ${option} ». Options possibles : ${allowed}.`,
  badRole: (role: string) => `Rôle inconnu « ${role} ». Rôles possibles : étudiant, enseignant, enseignant non éditeur.`,

  noIdentity: 'Je ne sais pas qui vous êtes : votre compte de messagerie ne donne pas d’adresse e-mail. Demandez au support de vérifier votre profil.',
  accountProblem: (p: AccountProblem): string =>
    ({
      noIdentity: 'Je ne sais pas qui vous êtes : votre messagerie ne donne pas d’adresse e-mail vérifiée. Seules « aide » et « qui suis-je » sont disponibles ; demandez au support de vérifier votre profil.',
      foreignDomain: 'Votre adresse n’est pas une adresse de l’université : je ne la relie à aucun compte Moodle. Seules « aide » et « qui suis-je » sont disponibles.',
      none: 'Aucun compte Moodle ne correspond à votre adresse. Connectez-vous une fois à Moodle, puis réessayez ; en attendant, seules « aide » et « qui suis-je » sont disponibles.',
      ambiguous: 'Plusieurs comptes Moodle actifs portent votre adresse : je ne devine pas lequel est le vôtre. Demandez au support de n’en garder qu’un.',
      suspended: 'Votre compte Moodle est suspendu ou ne peut pas se connecter : je n’agis pas en son nom. Contactez le support.',
      unreachable: 'Moodle ne répond pas : je ne peux pas vérifier votre compte. Réessayez dans un instant.',
    })[p],
  accountProblemOn: (p: AccountProblem, platform: string): string =>
    ({
      noIdentity: `Je ne sais pas qui vous êtes sur ${platform}.`,
      foreignDomain: `Votre adresse n’est pas une adresse de l’université : aucun compte sur ${platform}.`,
      none: `Vous n’avez pas de compte sur ${platform} correspondant à votre adresse. Connectez-vous une fois à ${platform}, puis réessayez.`,
      ambiguous: `Plusieurs comptes actifs de ${platform} portent votre adresse : demandez au support de n’en garder qu’un.`,
      suspended: `Votre compte ${platform} est suspendu ou ne peut pas se connecter : contactez le support.`,
      unreachable: `${platform} ne répond pas : réessayez dans un instant.`,
    })[p],
  noMoodleAccount: (platform: string) => `Vous n’avez pas de compte sur ${platform} correspondant à votre adresse. Connectez-vous une fois à ${platform}, puis réessayez.`,
  notAllowed: 'Vous n’avez pas le droit de faire cela.',
  notAllowedCourse: (course: string) => `Vous ne pouvez pas modifier les méthodes d’inscription de ${course} : aucun cours de ce nom dont vous êtes enseignant éditeur (vérifiez le nom abrégé, l’id ou l’URL). Demandez à un enseignant du cours ou au support.`,
  notAllowedCourseView: (course: string) => `Vous ne pouvez pas voir les méthodes d’inscription de ${course} : aucun cours de ce nom dont vous êtes enseignant éditeur (vérifiez le nom abrégé, l’id ou l’URL). Demandez à un enseignant du cours ou au support.`,
  notAllowedCourseSupport: (course: string) => `Aucun cours « ${course} » dont votre compte Moodle puisse voir ou modifier les méthodes d’inscription. Vérifiez le nom abrégé, l’id ou l’URL du cours ; si votre rôle de support a besoin de ces droits, demandez-les à un administrateur Moodle.`,
  supportOnly: 'Cette commande est réservée au support et aux administrateurs.',
  adminOnly: 'Cette commande est réservée aux administrateurs.',
  teachersOnly: 'Cette commande est réservée aux enseignants, au support et aux administrateurs.',
  moodleDown: (platform: string) => `${platform} ne répond pas. Réessayez dans quelques minutes ; si cela dure, prévenez le support.`,
  storeUnavailable: 'Le bot ne joint pas sa base de données pour l’instant (elle redémarre, par exemple) : réessayez dans un instant.',

  courseNotFound: (ref: string) => `Aucun cours « ${ref} ». Vérifiez le nom abrégé, l’id ou l’URL du cours.`,
  courseAmbiguous: (ref: string) => `Plusieurs cours correspondent à « ${ref} » : choisissez.`,
  cohortNotFound: (ref: string, course: string) => `Aucune cohorte « ${ref} » disponible pour ${course}. Essayez \`chercher ${ref} dans ${course}\`.`,
  cohortDidYouMean: (ref: string, course: string, commands: string) => `Aucune cohorte « ${ref} » pour ${course}. Vouliez-vous dire ${commands} ?`,
  cohortAmbiguous: (ref: string) => `Plusieurs cohortes correspondent à « ${ref} » : choisissez.`,
  cohortNotInCourse: (cohort: string, course: string) => `${cohort} n’est pas synchronisée avec ${course}. Voir \`méthodes ${course}\`.`,
  groupNotFound: (group: string, course: string) => `Aucun groupe « ${group} » dans ${course}.`,

  searchTitle: (q: string) => `Cohortes « ${q} »`,
  searchNone: (q: string) => `Aucune cohorte ne correspond à « ${q} ».`,
  searchColumns: ['Cohorte', 'Identifiant', 'Membres', 'Type', 'Plateforme'],
  searchAvailableColumn: 'Utilisable dans le cours',
  searchNext: (course: string | undefined): string => (course ? `Ajoutez-en une : \`ajouter <identifiant> à ${course}\`` : 'Ajoutez-en une à un cours : `ajouter <identifiant> à <cours>`'),

  syncsTitle: (course: string) => `Synchronisations de cohortes — ${course}`,
  syncsNone: (course: string) => `${course} ne synchronise aucune cohorte.`,
  syncsColumns: ['Cohorte', 'Rôle', 'Groupe', 'État', 'Inscrits actifs'],
  syncsNext: (course: string) => `Ajouter : \`ajouter <cohorte> à ${course}\` — retirer : \`retirer <cohorte> de ${course}\``,

  addConfirmTitle: 'Ajouter une synchronisation de cohorte ?',
  addConfirmText: (cohort: string, course: string, count: number) => `La cohorte ${cohort} (${count} membres) sera synchronisée avec ${course} : ses membres y seront inscrits tout de suite, et suivis chaque nuit.`,
  autoSpaceWarning: (course: string) => `${course} est un espace de cours créé automatiquement : la synchronisation de cohorte y est déconseillée. Préférez l’inscription manuelle des membres actuels avec une date de fin.`,
  manualInstead: (date: string) => `Inscrire manuellement jusqu’au ${date}`,
  addDone: (cohort: string, course: string, n: number, role: string) => `C’est fait : ${cohort} est synchronisée avec ${course}. ${people(n, role)} ${verb(n, 'y est maintenant inscrit', 'y sont maintenant inscrits')} par cette cohorte.`,
  addExisting: (cohort: string, course: string) => `${cohort} était déjà synchronisée avec ${course} avec ce rôle : rien n’a changé.`,
  manualDone: (count: number, course: string, date: string) => `${n$(count, 'membre inscrit', 'membres inscrits')} manuellement à ${course} jusqu’au ${date}.`,
  inactiveNote: 'La méthode sera créée désactivée : personne ne sera inscrit avant son activation.',

  removeConfirmTitle: 'Retirer la synchronisation ?',
  disableConfirmTitle: 'Désactiver la synchronisation ?',
  disableConfirmText: (cohort: string, course: string, n: number, role: string) => `La synchronisation de ${cohort} sera désactivée dans ${course} : ${people(n, role)} ${verb(n, 'ne sera plus inscrit', 'ne seront plus inscrits')} au cours jusqu’à sa réactivation (ceux qui y sont inscrits autrement le restent).`,
  roleConfirmTitle: 'Changer le rôle ?',
  roleConfirmText: (cohort: string, course: string, who: string, role: string) => `${who} inscrits par ${cohort} dans ${course} recevront le rôle « ${role} » à la place de leur rôle actuel.`,
  people: (n: number, role: string): string => people(n, role),
  removeDone: (cohort: string, course: string) => `La synchronisation de ${cohort} a été retirée de ${course}.`,

  updateDone: (cohort: string, course: string, what: string) => `${cohort} dans ${course} : ${what}.`,
  updateNothing: 'Rien à modifier : indiquez rôle, groupe, activer/désactiver ou nom.',
  roleChanged: (role: string) => `rôle ${role}`,
  groupChanged: (group: string) => `groupe ${group}`,
  statusChanged: (enabled: boolean): string => (enabled ? 'activée' : 'désactivée (ses membres ne sont plus inscrits au cours par elle jusqu’à sa réactivation)'),
  nameChanged: (name: string) => `nom « ${name} »`,

  confirmExpired: 'Cette confirmation a expiré ou a déjà servi. Recommencez la commande.',
  confirmAlreadyDone: 'C’est déjà fait : cette confirmation a déjà servi (un second clic, ou un message renvoyé). Rien n’a été refait.',
  confirmNotYours: 'Cette confirmation appartient à quelqu’un d’autre.',
  nothingToConfirm: 'Rien à confirmer.',
  cancelled: 'Annulé, rien n’a changé.',

  statusTitle: 'État de la synchronisation',
  statusNever: 'Aucune synchronisation n’a encore eu lieu.',
  statusLast: (at: string, status: string, ms: number) => `Dernière synchronisation : ${at} — ${status} (${Math.round(ms / 1000)} s)`,
  /** The last run held removals, since decided: the line says the decision, not the run's bare status. */
  statusLastDecided: (at: string, ms: number, decision: string) => `Dernière synchronisation : ${at} (${Math.round(ms / 1000)} s). ${decision}`,
  statusNext: (at: string) => `Prochaine : ${at}`,
  statusColumns: ['Plateforme', 'Cohortes créées', 'Ajouts', 'Retraits', 'Retenus', 'Comptes en attente', 'Erreurs'],
  // The commands only for who may type them (administrators); others read who decides, in words.
  statusHeld: (run: string, n: number, admin = false) => `${n$(n, 'retrait retenu', 'retraits retenus')} par le garde-fou dans ${run} : ${admin ? `\`approuver ${run}\` ou \`rejeter ${run}\`` : 'un administrateur peut les approuver ou les rejeter'}.`,
  statusCohortCounts: (added: number, removed: number, pending: number, held = 0) => `+${added} / −${removed} / ${pending} en attente de compte${held > 0 ? ` / ${held} ${held > 1 ? 'retraits retenus' : 'retrait retenu'} pour approbation` : ''}`,
  approveButton: 'Approuver les retraits',
  rejectButton: 'Rejeter',
  journalActions: journalFr.actions as Record<string, string>,
  statusGuard: (reason: GuardReason, settings = false): string => `Garde-fou : ${settings ? guardText(reason, 'fr') : guardPlainText(reason, 'fr')}`,
  /** Why removals are held, to the admins who decide: the same sentence in their private notice and in the approve/reject confirmation. */
  heldGuard: (reason: GuardReason): string => `Garde-fou : ${guardText(reason, 'fr')}`,
  runStatus: runFr.status as Record<string, string>,

  whoamiTitle: 'Qui suis-je ?',
  whoamiRoles: (roles: string) => `Rôles : ${roles}`,
  /** Who decided held removals, to someone whose role does not need the administrator's address. */
  anAdministrator: 'un administrateur',
  roleNames: { support: 'support', admin: 'administrateur' } as Record<string, string>,
  whoamiNoRole: 'utilisateur Moodle (vos droits dans chaque cours sont ceux de Moodle)',
  whoamiAccount: (platform: string, username: string) => `${platform} : ${username}`,
  whoamiNoAccount: (platform: string) => `${platform} : pas de compte`,
  whyTitle: (student: string, course: string, gender?: Gender) => `Pourquoi ${student} ${agree(gender, { m: 'n’est pas inscrit à', f: 'n’est pas inscrite à', neutral: 'n’a pas accès à' })} ${course} ?`,
  whyAllGreen: 'Tout est en ordre : l’étudiant a accès au cours. S’il ne le voit pas, qu’il se déconnecte et se reconnecte, ou vérifie la visibilité du cours.',
  whyBrokenAt: (label: string) => `Maillon rompu : ${label}.`,
  whyFix: (fix: string) => `À faire : ${fix}`,
  stepMark: { ok: '✓', broken: '✗', skipped: '·', info: 'ℹ' } as Record<string, string>,
  onIt: 'Je m’en occupe… la réponse arrive dans quelques secondes.',
  privateSent: 'Réponse envoyée en message privé (elle contient des données personnelles).',
  syncStudentDone: (student: string, added: number, removed: number, pending: number) => `Synchronisation de ${student} : ${n$(added, 'ajout', 'ajouts')}, ${n$(removed, 'retrait', 'retraits')}${pending ? `, ${pending} en attente de compte` : ''}.`,
  syncRunDone: (run: string, status: string) => `Synchronisation ${run} : ${status}.`,
  syncRunBusy: 'Une synchronisation est déjà en cours : réessayez dans quelques minutes.',
  syncRunCounts: (created: number, added: number, removed: number, held: number, pending: number, errors: number) =>
    `${n$(created, 'cohorte créée', 'cohortes créées')}, ${n$(added, 'ajout', 'ajouts')}, ${n$(removed, 'retrait', 'retraits')}, ${n$(held, 'retrait retenu', 'retraits retenus')}, ${pending} en attente de compte${errors ? `, ${n$(errors, 'erreur', 'erreurs')} (voir « état »)` : ''}.`,
  syncWhich: (x: string) => `« ${x} » peut être un étudiant ou une cohorte : lequel synchroniser ?`,
  syncAsStudent: (x: string) => `L’étudiant ${x}`,
  syncAsCohort: (x: string) => `La cohorte ${x}`,
  syncProblem: (p: SyncRequestProblem): string => {
    switch (p.code) {
      case 'unknownPlatform':
        return `Plateforme inconnue « ${p.platform} ». Plateformes : ${p.configured.join(', ')}.`;
      case 'badCohort':
        return `« ${p.cohort} » n’est pas un code étape (exemple : L2PHA1).`;
      case 'unknownCohort':
        return `Cohorte inconnue « ${p.cohort} » : ni dans l’annuaire ni sur les plateformes.${p.near ? ` Vouliez-vous dire ${p.near} ? \`synchroniser cohorte ${p.near}\`` : ''}`;
      case 'unknownStudent':
        return `Étudiant inconnu « ${p.student} » : absent de l’annuaire et sans compte Moodle. Vérifiez l’identifiant, le numéro d’étudiant ou l’e-mail.`;
      case 'ambiguousStudent':
        return `« ${p.student} » correspond à ${p.matches} entrées de l’annuaire : donnez l’identifiant exact ou le numéro d’étudiant.`;
      case 'noHeldRemovals':
        return `Aucun retrait retenu pour ${p.run}. Voir \`état\`.`;
      case 'heldAlreadyDecided':
        return `Les retraits retenus de ${p.run} ont déjà été ${p.status === 'approved' ? 'approuvés' : p.status === 'rejected' ? 'rejetés' : p.status === 'superseded' ? 'remplacés par une synchronisation plus récente' : 'décidés'}${p.by ? ` par ${p.by}` : ''} : rien n’a changé.`;
      case 'approvalNeedsCompleteRead':
        return `Impossible d’approuver maintenant : la lecture de l’annuaire est incomplète (détail technique : ${p.detail}). Réessayez plus tard.`;
      case 'runFailed':
        return `La synchronisation a échoué : ${guardText(p.reason, 'fr')}.`;
    }
  },
  historyTitle: (student: string) => `Historique de ${student}`,
  historyEmpty: (student: string) => `Aucune entrée au journal pour ${student}.`,
  historyColumns: ['Date', 'Plateforme', 'Cohorte', 'Action', 'Raison'],
  approveTitle: (run: string) => `Approuver les retraits retenus de ${run} ?`,
  approveSummary: (n: number) => `${n$(n, 'retrait retenu', 'retraits retenus')}, par cohorte :`,
  approveDone: (run: string, removed: number, skipped: number) => `Retraits de ${run} appliqués : ${n$(removed, 'retiré', 'retirés')}${skipped ? `, ${n$(skipped, 'ignoré car de nouveau inscrit', 'ignorés car de nouveau inscrits')}` : ''}.`,
  rejectDone: (run: string, n: number) => `${n$(n, 'retrait', 'retraits')} de ${run} ${n < 2 ? 'abandonné' : 'abandonnés'}.`,
  approvePartial: (run: string, removed: number, approval: string) => `L’approbation des retraits de ${run} n’a pas abouti (${n$(removed, 'retrait fait', 'retraits faits')}, voir la synchronisation ${approval} dans \`état\`) : les retraits restent retenus ; réessayez \`approuver ${run}\`.`,
  noHeldPlan: (run: string) => `Aucun retrait retenu pour ${run}. Voir \`état\`.`,
  heldPlanDecided: (run: string, status: string, by: string) =>
    status === 'superseded' ? `Les retraits retenus de ${run} ont été remplacés par ceux de la synchronisation ${by} : voir \`état\`.` : `Les retraits retenus de ${run} ont déjà été ${status === 'approved' ? 'approuvés' : 'rejetés'} par ${by} : rien n’a changé.`,
  cohortCreated: (name: string, idnumber: string, platform: string) => `Cohorte manuelle « ${name} » (${idnumber}) créée sur ${platform}. Ajoutez des membres : \`ajouter membres ${idnumber} <liste>\``,
  managedReadOnly: (idnumber: string) => `${idnumber} est une cohorte générale, tenue par la synchronisation : elle ne se modifie pas à la main.`,
  manualCohortNotFound: (ref: string) => `Aucune cohorte manuelle « ${ref} ».`,
  cohortUnknown: (ref: string) => `Aucune cohorte « ${ref} » sur les plateformes.`,
  cohortOnSeveral: (ref: string) => `« ${ref} » existe sur plusieurs plateformes : laquelle ?`,
  membersUnknown: (list: string) => `Inconnus, rien n’a été fait : ${list}. Corrigez la liste et recommencez.`,
  membersConfirmTitle: (n: number, cohort: string, adding: boolean) => `${adding ? 'Ajouter' : 'Retirer'} ${n$(n, 'membre', 'membres')} ${adding ? 'à' : 'de'} ${cohort} ?`,
  membersDone: (n: number, cohort: string, adding: boolean) => `${n$(n, adding ? 'membre ajouté à' : 'membre retiré de', adding ? 'membres ajoutés à' : 'membres retirés de')} ${cohort}.`,
  membersTitle: (cohort: string, n: number) => `${cohort} — ${n$(n, 'membre', 'membres')}`,
  membersColumns: ['Nom', 'Identifiant', 'E-mail'],
  membersUnchanged: (list: string, adding: boolean) => `${adding ? 'Déjà membres' : 'Pas membres'}, rien à faire pour eux : ${list}.`,
  membersNothingToDo: (cohort: string, adding: boolean) => (adding ? `Tous sont déjà membres de ${cohort} : rien n’a été fait.` : `Aucun d’eux n’est membre de ${cohort} : rien n’a été fait.`),
  idnumberPrefixReserved: (prefix: string) => `Les identifiants commençant par « ${prefix} » sont réservés aux cohortes générales.`,
  cardDoneBy: (who: string, when: string) => `Fait par ${who} le ${when}.`,
  // Trust at the edges (#28).
  summaryHereDone: 'Le résumé quotidien sera publié dans cette conversation.',
  summaryHereNotShared: 'Dites `résumé ici` dans le canal d’équipe qui doit recevoir le résumé quotidien, pas en conversation privée.',
  summaryHereUnsupported: 'Ici, le canal du résumé quotidien se configure (SLACK_DIGEST_CHANNEL pour Slack).',
  helpSummary: '`résumé ici` — publier le résumé quotidien dans ce canal d’équipe',
  whyNotInCourse: (student: string, course: string) => `${student} n’est pas dans ${course} : ni inscrit, ni membre d’une cohorte synchronisée avec ce cours. Le support peut vous en dire plus.`,
  cohortUnavailable: (ref: string) => `Aucune cohorte manuelle « ${ref} » que vous puissiez modifier. Vérifiez son identifiant ; vos droits Moodle sur les cohortes se demandent à un administrateur Moodle.`,
  cohortRightsUnverifiable: (platform: string) => `Sur ${platform}, cohortbot ne peut pas vérifier vos droits Moodle sur les cohortes (il y faut le plugin local_cohortbot à jour) : rien n’a été fait. Faites-le dans Moodle (Administration du site › Utilisateurs › Cohortes).`,
  membersPrivileged: (courses: string) => `Attention : cette cohorte est synchronisée avec un rôle autre qu’étudiant — ${courses}. Ces personnes y recevront ce rôle (ou le perdront).`,
  membersPrivilegedCourse: (course: string, role: string) => `${course} : rôle ${role}`,
  cohortCreateRefused: (platform: string) => `Votre compte Moodle ne peut pas créer de cohorte sur ${platform} (il y faut moodle/cohort:manage) : rien n’a été fait. Demandez ce droit à un administrateur Moodle.`,
  cohortWhichPlatform: (name: string, idnumber?: string) => `Sur quelle plateforme créer la cohorte « ${name} » ? Choisissez-la, ou nommez-la : créer cohorte "${name}" ${idnumber ?? '<identifiant>'} dans <plateforme>.`,
  // Sections: codes of the core in words (src/i18n/fr/).
  guard: guardFr,
  journal: journalFr,
  moodle: moodleFr,
  run: runFr,
  forms: formsFr,
  channels: channelsFr,
  help: helpFr,
};

export type Catalog = typeof fr;
