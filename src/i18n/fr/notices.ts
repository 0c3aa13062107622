/**
 * Les avis privés (#32) : aux enseignants après une synchronisation, aux administrateurs quand des
 * retraits sont retenus, et les réponses d'un étudiant sur lui-même. Jamais de nom d'étudiant dans un avis.
 */
import { Gender, agree, count, formatNumber } from '../format';
import type { Entry } from '../../diagnosis/access';

export type ChangeReason = 'newInscription' | 'accountCreated' | 'leftEtape' | 'leftDirectory' | 'held';
/** A row of `changements`: an arrival, or why a student left (or would, for a held removal). */
export type ChangesReason = 'newInscription' | 'leftEtape' | 'leftDirectory';

export const noticesFr = {
  teacherTitle: 'Vos cours après la synchronisation',
  teacherIntro: (when: string) => `La synchronisation du ${when} a changé les inscriptions de vos cours (aucun nom ici) :`,
  courseLine: (course: string, arrived: number, left: number, held: number) =>
    `${course} — ${count(arrived, 'fr', { one: 'arrivée', other: 'arrivées' })}, ${count(left, 'fr', { one: 'départ', other: 'départs' })}${held ? `, ${count(held, 'fr', { one: 'retrait retenu', other: 'retraits retenus' })}` : ''}`,
  reasons: {
    newInscription: 'nouvelle inscription',
    accountCreated: 'compte Moodle créé',
    leftEtape: 'a quitté l’étape',
    leftDirectory: 'n’est plus étudiant dans l’annuaire',
    held: 'retrait retenu en attente d’approbation (toujours inscrit)',
  } as Record<ChangeReason, string>,
  reasonLine: (reason: string, n: number) => `   • ${reason} : ${formatNumber(n, 'fr')}`,
  moreCourses: (n: number) => `… et ${count(n, 'fr', { one: 'autre cours', other: 'autres cours' })}.`,
  listNames: (example: string) => `Pour voir les noms : \`changements ${example}\` (réponse privée).`,
  stop: 'Ne plus recevoir ces avis : `notifications non`.',
  // Administrateurs : retraits retenus.
  heldTitle: 'Retraits retenus : votre décision',
  heldReminderTitle: 'Rappel : des retraits attendent toujours votre décision',
  heldIntro: (runId: string, removals: number, when: string) => `La synchronisation ${runId} du ${when} a retenu ${count(removals, 'fr', { one: 'retrait', other: 'retraits' })} : ils ne s’appliquent qu’après approbation d’un administrateur.`,
  heldWhy: (reason: string) => `Pourquoi : ${reason}`,
  heldButtons: 'Les boutons ne servent qu’une fois ; `approuver` revérifie chaque retrait dans l’annuaire.',
  unreachable: (n: number) => `${count(n, 'fr', { one: 'enseignant', other: 'enseignants' })} sans moyen d’être prévenu (jamais écrit au bot dans Teams, pas de compte Slack pour son e-mail).`,
  noticesOfRun: (runId: string, sent: number, skipped: number, failed: number, queued: number) =>
    `Avis privés de ${runId} : ${count(sent, 'fr', { one: 'envoyé', other: 'envoyés' })}, ${count(skipped, 'fr', { one: 'non joignable', other: 'non joignables' })}, ${formatNumber(failed, 'fr')} en échec${queued ? `, ${formatNumber(queued, 'fr')} en attente` : ''}.`,
  // Préférences.
  prefOn: 'C’est noté : vous recevrez un avis privé quand la synchronisation change les inscriptions de vos cours. `notifications non` pour arrêter.',
  prefOff: 'C’est noté : plus d’avis privé après les synchronisations. `notifications oui` pour les retrouver.',
  /** Someone who teaches no course (a student): notices are for teachers; their choice is kept for when they teach. */
  prefNotTeacher: (noted: boolean) =>
    `Ces avis privés sont pour les enseignants : ils disent ce que la synchronisation a changé dans les cours qu’ils enseignent, et vous n’en enseignez aucun.${noted ? ' C’est noté : vous les recevrez quand vous enseignerez un cours.' : ''}`,
  prefDisabled: 'Les avis aux enseignants sont désactivés par l’administrateur (NOTIFY_TEACHERS=off) : rien n’est envoyé.',
  // « changements <cours> ».
  // Refused: the same words whether or not the course exists.
  changesNotYours: (course: string) => `Vous ne pouvez pas voir les changements d’inscription de ${course} : aucun cours de ce nom dont vous êtes enseignant éditeur (vérifiez le nom abrégé, l’id ou l’URL). Demandez à un enseignant du cours ou au support.`,
  changesNotYoursSupport: (course: string) => `Aucun cours « ${course} » dont votre compte Moodle puisse voir les changements d’inscription. Vérifiez le nom abrégé, l’id ou l’URL du cours ; si votre rôle de support a besoin de ces droits, demandez-les à un administrateur Moodle.`,
  /** After "this command is for teachers…", to someone who teaches nothing: what they may ask instead. */
  forYourself: 'Pour vous-même : `pourquoi je ne suis pas inscrit en <cours>`.',
  yourCourses: 'Vos propres cours : `mes cours`.',
  changesTitle: (course: string) => `Changements de ${course}`,
  changesNone: (course: string) => `Aucun changement récent des cohortes synchronisées par ${course}.`,
  changesIntro: (runId: string, when: string) => `Synchronisation ${runId} du ${when} :`,
  changesColumns: ['Identifiant', 'Cohorte', 'Changement', 'Raison'],
  changesAction: { add: 'arrivée', remove: 'départ', held: 'retrait retenu' } as Record<string, string>,
  /** Short (a table column): the notice's groups, a held removal by the reason it would be removed for. */
  changesReason: { newInscription: 'nouvelle inscription', leftEtape: 'a quitté l’étape', leftDirectory: 'n’est plus étudiant' } as Record<ChangesReason, string>,
  // L'étudiant sur lui-même.
  myCoursesTitle: 'Mes cours',
  myCoursesNone: (platform: string) => `Vous n’avez aucun cours sur ${platform}.`,
  myCoursesColumns: ['Plateforme', 'Cours', 'Nom'],
  /** A course that does not let them in today, marked with their enrolment's state. */
  myCoursesMarked: (name: string) => `⚠ ${name}`,
  myCoursesNoAccessLine: (course: string, state: string) => `⚠ ${course} : ${state} — vous n’y avez pas accès aujourd’hui.`,
  myCoursesNoAccess: 'pas d’accès',
  myCoursesHint: 'Un cours manque ? `pourquoi je ne suis pas inscrit en <cours>`.',
  // The title says the answer (an Entry of diagnosis/access.ts); the student's own gender (directory) agrees, else a neutral form.
  // Enrolled but the account cannot log in: the words of support's headline ("inscrit, mais ne peut pas se connecter").
  selfWhyTitle: (course: string, entry: Entry = 'out', gender?: Gender): string => {
    const enrolled = agree(gender, { m: `Vous êtes inscrit en ${course}`, f: `Vous êtes inscrite en ${course}`, neutral: `Vous avez une inscription active en ${course}` });
    const titles: Record<Entry, string> = {
      in: `Vous avez accès à ${course}`,
      'cannot-log-in': `${enrolled}, mais vous ne pouvez pas vous connecter (compte Moodle suspendu)`,
      // An active enrolment, the account's state not told (a student's own answer always reads it): enrolled, never "access".
      enrolled,
      out: `Pourquoi ${agree(gender, { m: `vous n’êtes pas inscrit en ${course}`, f: `vous n’êtes pas inscrite en ${course}`, neutral: `vous n’avez pas accès à ${course}` })}`,
    };
    return titles[entry];
  },
  selfOk: (course: string, gender?: Gender) => agree(gender, { m: `Vous êtes bien inscrit en ${course} : vous y avez accès.`, f: `Vous êtes bien inscrite en ${course} : vous y avez accès.`, neutral: `Vous avez bien accès à ${course}.` }),
  selfEtape: (etapes: string) => `Votre inscription de cette année est en étape ${etapes}.`,
  selfNoInscription: (year: number) => `Aucune inscription ${year} à votre nom dans l’annuaire : seule la scolarité de votre formation peut l’enregistrer.`,
  selfOtherYear: (year: number) => `Votre inscription de ${year} n’est pas encore enregistrée (seule une autre année l’est) : adressez-vous à la scolarité de votre formation.`,
  selfCancelled: (year: number) => `Votre inscription ${year} n’est pas en vigueur dans Apogée : adressez-vous à la scolarité de votre formation.`,
  selfCourseTakes: (etapes: string) => `Ce cours accueille les étudiants des étapes ${etapes}.`,
  selfCourseTakesUnknown: 'Ce cours n’accueille pas les étudiants de votre étape par synchronisation.',
  selfAskTeacher: 'Si vous devez suivre ce cours, demandez à son enseignant ou à la scolarité de votre formation.',
  selfWrongPlatform: (platform: string) => `Ce cours est sur ${platform}, qui n’accueille pas votre étape : demandez à la scolarité de votre formation.`,
  selfAccountTonight: (platform: string, when: string) => `Votre compte ${platform} sera créé à votre première connexion ; la synchronisation (${when}) vous inscrira ensuite.`,
  selfSyncTonight: (when: string) => `Votre inscription est connue : la synchronisation (${when}) vous ajoutera au cours.`,
  selfLeaving: (when: string) => `La prochaine synchronisation (${when}) vous retirera de ce cours : votre inscription de cette année ne le justifie plus. Si c’est une erreur, adressez-vous à la scolarité de votre formation.`,
  selfEnrolled: 'Votre inscription au cours est active. Si vous ne parvenez pas à y entrer, adressez-vous au support Moodle de l’université.',
  selfStarts: (course: string, day: string) => `Votre inscription en ${course} commence le ${day}. Si cette date est une erreur, demandez à l’enseignant du cours.`,
  selfHeld: 'Votre départ de ce cours attend la décision d’un administrateur : vous y avez accès d’ici là.',
  selfSuspended: (platform: string) => `Votre compte ${platform} est suspendu : adressez-vous au support Moodle de l’université.`,
  selfDirectory: 'Vous n’apparaissez pas comme étudiant dans l’annuaire : adressez-vous à la scolarité de votre formation.',
  selfMoodleSoon: 'Vous êtes membre d’une cohorte que le cours synchronise : Moodle l’applique toutes les heures, votre inscription suivra.',
  selfEnrolmentInactive: 'Votre inscription au cours existe mais n’est pas active (dates, suspension) : demandez à l’enseignant du cours.',
  selfUnavailable: 'Impossible de vérifier pour l’instant (annuaire ou Moodle indisponible) : réessayez plus tard.',
  selfOnly: 'Vous ne pouvez demander que pour vous-même : `pourquoi je ne suis pas inscrit en <cours>`.',
};

export type NoticesCatalog = typeof noticesFr;
