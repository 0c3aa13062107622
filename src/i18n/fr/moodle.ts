/**
 * Ce que Moodle (ou le client) a répondu, en français : une phrase par code, qui dit ce qui s’est passé
 * et quoi faire. Les codes du plugin reprennent son fichier de langue (un test le vérifie).
 */
import type { MoodleErrorCode, MoodleErrorFacts } from '../../moodle/errors';

type Words = Record<MoodleErrorCode, (e: MoodleErrorFacts) => string> & {
  /** Ni local_cohortbot ni local_ws_enrolcohort sur la plateforme : ce que lit l’enseignant, et l’administrateur. */
  unavailable: { teacher: (platform: string) => string; admin: (platform: string) => string };
  /** Une panne de cohortbot lui-même (le détail est au journal). */
  internal: string;
};

export const moodleFr: Words = {
  // Le client
  inputVarsExceeded: (e) => `La demande à ${e.platform} était trop grande pour le site (max_input_vars) : rien n’a été envoyé. Prévenez un administrateur.`,
  restDisabled: (e) => `${e.platform} n’accepte pas les services web (protocole REST désactivé) : prévenez un administrateur Moodle.`,
  xmlReply: (e) => `${e.platform} a coupé la demande (limite max_input_vars du site) : prévenez un administrateur.`,
  notJson: (e) => `${e.platform} a répondu quelque chose d’illisible : réessayez dans un instant ; si cela dure, prévenez le support.`,
  badShape: (e) => `${e.platform} a répondu dans une forme inattendue (version de Moodle ou du plugin ?) : prévenez le support.`,
  unreachable: (e) => `${e.platform} ne répond pas : réessayez dans quelques minutes ; si cela dure, prévenez le support.`,
  serverError: (e) => `${e.platform} est en erreur (HTTP ${e.params.status}) : réessayez dans quelques minutes ; si cela dure, prévenez le support.`,
  // Moodle
  invalidparameter: (e) => `${e.platform} a refusé une valeur de la demande : vérifiez-la et recommencez.`,
  invalidrecord: (e) => `${e.platform} ne trouve pas ce qui est demandé : il a peut-être été supprimé entre-temps.`,
  invaliduser: (e) => `${e.platform} ne trouve pas ce compte : il a peut-être été supprimé.`,
  nopermissions: (e) => `Votre compte ${e.platform} n’a pas le droit de faire cela.`,
  requireloginerror: (e) => `Votre compte ${e.platform} n’a pas accès à ce cours.`,
  courseContextNotValid: (e) => `Votre compte ${e.platform} n’a pas accès à ce cours.`,
  codingerror: (e) => `${e.platform} a rencontré une erreur de programmation : prévenez le support.`,
  invalidtoken: (e) => `Le jeton de cohortbot sur ${e.platform} n’est pas valide : prévenez un administrateur.`,
  usersuspended: (e) => `Le compte de service de cohortbot est suspendu sur ${e.platform} : prévenez un administrateur.`,
  accessexception: (e) => `Le service cohortbot de ${e.platform} n’autorise pas cette fonction : prévenez un administrateur.`,
  servicerequireslogin: (e) => `Le service cohortbot de ${e.platform} refuse le compte de service : prévenez un administrateur.`,
  wsusercannotassign: (e) => `Votre compte ${e.platform} ne peut pas donner ce rôle dans ce cours.`,
  wsnoinstance: (e) => `Le cours n’a pas d’inscription manuelle active sur ${e.platform}.`,
  categoryidnumbertaken: (e) => `Ce numéro d’identification de catégorie existe déjà sur ${e.platform}.`,
  shortnametaken: (e) => `Ce nom abrégé de cours existe déjà sur ${e.platform}.`,
  courseidnumbertaken: (e) => `Ce numéro d’identification de cours existe déjà sur ${e.platform}.`,
  dmlwriteexception: (e) => `${e.platform} n’a pas pu écrire dans sa base de données : réessayez dans un instant.`,
  cohortIdnumberTaken: (e) => `Une cohorte ${e.params.idnumber ? `d’identifiant ${e.params.idnumber} ` : 'de cet identifiant '}existe déjà sur ${e.platform} : choisissez un autre identifiant, ou utilisez la cohorte existante.`,
  // Le plugin local_cohortbot
  ambiguousparams: () => 'Demande ambiguë : donnez soit l’id, soit l’identifiant de la cohorte (et du rôle).',
  cohortnotavailable: () => 'Cette cohorte n’est pas disponible pour ce cours.',
  cohortnotfound: () => 'Cette cohorte n’existe pas.',
  groupnotincourse: () => 'Ce groupe n’appartient pas à ce cours.',
  instanceexists: () => 'Cette cohorte est déjà synchronisée avec ce rôle dans ce cours : rien n’a changé.',
  notcohortinstance: () => 'Cette méthode d’inscription n’est pas une synchronisation de cohorte.',
  onbehalfnopermission: () => 'Vous ne pouvez pas configurer la synchronisation de cohortes dans ce cours.',
  onbehalfrequired: () => 'Une demande doit nommer la personne pour qui elle est faite : le bot n’agit jamais avec les droits de son propre compte.',
  plugindisabled: (e) => `La méthode d’inscription « Synchronisation des cohortes » est désactivée sur ${e.platform} : prévenez un administrateur Moodle.`,
  rolenotassignable: () => 'Ce rôle ne peut pas être donné dans ce cours.',
  rolenotfound: () => 'Ce rôle n’existe pas.',
  // cohortbot
  hiddencohort: () => 'Cette cohorte est cachée : elle ne peut pas être synchronisée avec un cours.',
  unknown: (e) => `${e.platform} a refusé la demande (code ${e.params.errorcode || 'inconnu'}) : prévenez le support si cela se reproduit.`,
  unavailable: {
    teacher: (platform) => `Ajouter des cohortes aux cours depuis le chat n’est pas encore possible sur ${platform}. Vous pouvez le faire dans Moodle : Participants › Méthodes d’inscription › Ajouter une méthode › Synchronisation des cohortes.`,
    admin: (platform) => `${platform} n’offre au jeton de cohortbot ni local_cohortbot ni local_ws_enrolcohort. Installez moodle-plugin/local_cohortbot (voir son README) et ajoutez ses fonctions au service cohortbot.`,
  },
  internal: 'Quelque chose s’est mal passé de notre côté : rien n’a été fait. Réessayez ; si cela se reproduit, prévenez le support.',
};
