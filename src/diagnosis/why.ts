/**
 * "Why isn't this student enrolled in this course?" Walks the chain directory → inscription →
 * Moodle account → managed cohort → the course's cohort syncs → enrolment, stops at the first broken
 * link and says the fix in one sentence. Each step keeps what it checked and its evidence.
 */
import { Cron } from 'croner';
import type { Config } from '../config';
import { countedEtapes } from '../directory';
import type { DirectorySource, Student } from '../directory/types';
import { yearWindow } from '../domain/academic-year';
import { cohortIdnumber, isManaged, platformsFor } from '../domain/cohorts';
import type { Course, MoodleApi, MoodleUser } from '../moodle/api';
import type { CohortSyncs } from '../moodle/cohort-syncs';
import type { Store } from '../store/types';

export type StepStatus = 'ok' | 'broken' | 'skipped' | 'info';

export interface Step {
  id: 'directory' | 'inscription' | 'account' | 'cohort' | 'course-sync' | 'enrolment' | 'manual-cohorts';
  label: string;
  status: StepStatus;
  evidence: string[];
  fix?: string;
}

export interface Diagnosis {
  student: string;
  course: string;
  platform: string;
  steps: Step[];
  firstBroken?: Step['id'];
  /** A red-listed student: the answer is private by nature. */
  listeRouge: boolean;
  /** A sync of this student now would fix it (the next run would). */
  syncFixes: boolean;
  /** Commands that act on the finding (offered as buttons). */
  actions: Array<{ label: string; command: string }>;
  durationMs: number;
}

export interface WhyDeps {
  config: Config;
  directory: DirectorySource;
  api: MoodleApi;
  syncs: CohortSyncs | undefined;
  store: Store;
  now: Date;
  /** The support person or admin asking: cohort-sync reads are made as them, never as the service account. */
  actingUserId: number;
}

const LABELS: Record<Step['id'], string> = {
  directory: 'Entrée dans l’annuaire',
  inscription: 'Inscription de l’année en cours',
  account: 'Compte Moodle',
  cohort: 'Membre de la cohorte de son étape',
  'course-sync': 'Le cours synchronise cette cohorte',
  enrolment: 'Inscription au cours active',
  'manual-cohorts': 'Cohortes manuelles',
};

const day = (epoch: number) => new Date(epoch * 1000).toISOString().slice(0, 10);

export async function diagnose(deps: WhyDeps, studentRef: string, platform: string, course: Course): Promise<Diagnosis> {
  const started = Date.now();
  const { config, api } = deps;
  const steps: Step[] = [];
  const actions: Diagnosis['actions'] = [];
  const step = (id: Step['id'], status: StepStatus, evidence: string[], fix?: string) => steps.push({ id, label: LABELS[id], status, evidence, fix });
  const courseLabel = `${course.shortname} (${platform})`;
  let listeRouge = false;
  let syncFixes = false;
  const finish = (): Diagnosis => {
    const done = new Set(steps.map((s) => s.id));
    for (const id of Object.keys(LABELS) as Array<Step['id']>) if (!done.has(id)) steps.push({ id, label: LABELS[id], status: 'skipped', evidence: ['non vérifié : un maillon précédent est rompu'] });
    return { student: studentRef, course: courseLabel, platform, steps, firstBroken: steps.find((s) => s.status === 'broken')?.id, listeRouge, syncFixes, actions, durationMs: Date.now() - started };
  };

  // 1. Directory.
  const found = await deps.directory.lookup(studentRef);
  if (!found.complete) {
    step('directory', 'broken', [`lecture de l’annuaire impossible : ${found.incompleteReason}`], 'Réessayez plus tard ; si cela dure, l’annuaire (LDAP) est en panne : prévenez l’équipe système.');
    return finish();
  }
  if (found.matches > 1) {
    step('directory', 'broken', [`${found.matches} entrées correspondent à « ${studentRef} »`], 'Donnez l’identifiant exact (login ou numéro étudiant).');
    return finish();
  }
  if (found.found === 'none') {
    step('directory', 'broken', [`aucune entrée pour « ${studentRef} » (login, numéro étudiant ou e-mail)`], 'Vérifiez l’identifiant ; un étudiant pas encore inscrit administrativement n’est pas dans l’annuaire : voyez la scolarité.');
    return finish();
  }
  if (found.found === 'excluded' || !found.student) {
    step('directory', 'broken', [`entrée trouvée mais pas un étudiant utilisable (${found.reason ?? 'inconnu'})`], found.reason === 'not_student' ? 'La personne n’a pas l’affiliation « student » : si elle est inscrite, la scolarité doit mettre à jour son dossier.' : 'L’entrée est incomplète dans l’annuaire : prévenez l’équipe annuaire.');
    return finish();
  }
  const s: Student = found.student;
  listeRouge = s.listeRouge;
  step('directory', 'ok', [`${s.key}${s.etuId ? ` — n° étudiant ${s.etuId}` : ''}${s.listeRouge ? ' — liste rouge (réponse privée uniquement)' : ''}`]);

  // 2. Inscription of the counted years.
  const window = yearWindow(deps.now, config.academicYear);
  const current = countedEtapes(s, window.add);
  const routed = current.filter((e) => platformsFor(e, config.platforms).includes(platform));
  const all = s.inscriptions.map((i) => `${i.year} ${i.etape}${i.status ? ` (${i.status})` : ''}`);
  if (current.length === 0) {
    const cancelled = s.inscriptions.filter((i) => window.add.includes(i.year) && i.status && i.status !== 'E');
    const fix = cancelled.length
      ? `L’inscription ${window.current} est annulée ou pas en vigueur (état ${cancelled[0]!.status}) dans Apogée : la scolarité doit la valider.`
      : `Aucune inscription ${window.current} : seule une inscription d’une autre année existe. La scolarité doit enregistrer l’inscription de cette année.`;
    step('inscription', 'broken', [all.length ? `inscriptions : ${all.join(', ')}` : 'aucune inscription lisible'], fix);
    return finish();
  }
  if (routed.length === 0) {
    const elsewhere = current.map((e) => `${e} → ${platformsFor(e, config.platforms).join(', ') || 'aucune plateforme'}`);
    step('inscription', 'broken', [`inscriptions ${window.current} : ${current.join(', ')}`, ...elsewhere], `Ces étapes ne vont pas sur ${platform} (MOODLE_${platform.toUpperCase()}_ETAPES) : le cours n’est pas sur la bonne plateforme pour cet étudiant.`);
    return finish();
  }
  step('inscription', 'ok', [`inscriptions ${window.current} : ${routed.join(', ')}`]);

  // 3. Moodle account.
  const field = config.userMatch.moodleField;
  const users = await api.getUsersByField(field, [s.key]);
  const user: MoodleUser | undefined = users[0];
  const next = new Cron(config.schedule.cron, { timezone: config.schedule.timezone, paused: true }).nextRun();
  const nextLabel = next ? next.toISOString().slice(0, 16).replace('T', ' ') : 'la prochaine synchronisation';
  if (!user) {
    step('account', 'broken', [`aucun compte ${platform} avec ${field} = ${s.key}`], `L’étudiant ne s’est jamais connecté à ${platform} : son compte sera créé à sa première connexion, puis la synchronisation (${nextLabel} UTC) l’ajoutera.`);
    return finish();
  }
  if (user.suspended) {
    step('account', 'broken', [`compte ${user.username ?? user.id} suspendu`], `Le compte est suspendu sur ${platform} : un administrateur Moodle doit le réactiver.`);
    return finish();
  }
  step('account', 'ok', [`${user.username ?? user.id} (id ${user.id})${user.lastaccess ? ` — dernière connexion ${day(user.lastaccess)}` : ' — jamais connecté'}`]);

  // 4. Managed cohorts of the student's étapes.
  const cohorts = await api.getCohorts();
  const wanted = routed.map((e) => cohortIdnumber({ prefix: config.cohorts.idnumberPrefix }, e));
  const mine = cohorts.filter((c) => wanted.includes(c.idnumber));
  const members = mine.length ? await api.getCohortMembers(mine.map((c) => c.id)) : new Map<number, number[]>();
  const history = await deps.store.studentHistory(s.key, 50);
  const inCohorts = mine.filter((c) => members.get(c.id)?.includes(user.id));
  const journal = (idnumber: string) => history.filter((j) => j.cohortIdnumber === idnumber && j.platform === platform).slice(0, 3).map((j) => `${j.at.slice(0, 10)} ${j.action} : ${j.reason}`);
  if (inCohorts.length === 0) {
    const missing = wanted.map((w) => (mine.some((c) => c.idnumber === w) ? `${w} existe, sans cet étudiant` : `${w} n’existe pas encore`));
    syncFixes = true;
    actions.push({ label: 'Synchroniser cet étudiant maintenant', command: `synchroniser étudiant ${s.key}` });
    step('cohort', 'broken', [...missing, ...wanted.flatMap(journal)], `La synchronisation de ${nextLabel} UTC l’ajoutera ; pour ne pas attendre : \`synchroniser étudiant ${s.key}\`.`);
    return finish();
  }
  step('cohort', 'ok', inCohorts.flatMap((c) => [`membre de ${c.idnumber}`, ...journal(c.idnumber)]));

  // 5. The course's cohort syncs.
  if (!deps.syncs) {
    step('course-sync', 'info', ['les méthodes du cours ne sont pas lisibles sur cette plateforme (plugin local_cohortbot absent)']);
  } else {
    const list = await deps.syncs.list(course.id, deps.actingUserId);
    const myIds = new Set(inCohorts.map((c) => c.id));
    const relevant = list.filter((i) => myIds.has(i.cohortId));
    const synced = list.map((i) => `${i.cohortIdnumber ?? i.cohortId} (${i.enabled ? 'active' : 'désactivée'}, rôle ${i.roleName || 'aucun'})`);
    const enabled = relevant.filter((i) => i.enabled);
    // Enrolled some other way (manual enrolment on an auto-created space): the enrolment step decides.
    const otherWays = relevant.length === 0 ? (await deps.syncs.userEnrolments(course.id, user.id)).enrolments.filter((e) => e.method !== 'cohort') : [];
    const listed = synced.length ? `le cours synchronise : ${synced.join(', ')}` : 'le cours ne synchronise aucune cohorte';
    if (relevant.length === 0 && otherWays.length > 0) {
      step('course-sync', 'info', [listed, `inscrit autrement : ${otherWays.map((e) => e.method).join(', ')}`]);
    } else if (relevant.length === 0) {
      const c = inCohorts[0]!;
      actions.push({ label: `Ajouter ${c.idnumber} au cours`, command: `ajouter ${c.idnumber} à ${platform}:${course.shortname}` });
      step('course-sync', 'broken', [listed], `Le cours ne synchronise pas ${c.idnumber} : un enseignant du cours peut \`ajouter ${c.idnumber} à ${course.shortname}\`.`);
      return finish();
    } else if (enabled.length === 0) {
      step('course-sync', 'broken', relevant.map((i) => `${i.cohortIdnumber} synchronisée mais désactivée`), `La synchronisation de ${relevant[0]!.cohortIdnumber} est désactivée : un enseignant peut \`modifier ${relevant[0]!.cohortIdnumber} dans ${course.shortname} activer\`.`);
      return finish();
    } else if (enabled.every((i) => i.roleId === 0)) {
      step('course-sync', 'broken', enabled.map((i) => `${i.cohortIdnumber} sans rôle`), `La synchronisation ne donne aucun rôle : \`modifier ${enabled[0]!.cohortIdnumber} dans ${course.shortname} rôle étudiant\`.`);
      return finish();
    } else {
      step('course-sync', 'ok', enabled.map((i) => `${i.cohortIdnumber} → rôle ${i.roleName}${i.groupName ? `, groupe ${i.groupName}` : ''}`));
    }
  }

  // 6. The enrolment itself.
  if (deps.syncs) {
    const d = await deps.syncs.userEnrolments(course.id, user.id);
    const now = Math.floor(deps.now.getTime() / 1000);
    const lines = d.enrolments.map((e) => `${e.method}${e.name ? ` « ${e.name} »` : ''} : ${e.active ? 'active' : 'suspendue'}${e.instanceEnabled ? '' : ' (méthode désactivée)'}${e.timeStart ? `, début ${day(e.timeStart)}` : ''}${e.timeEnd ? `, fin ${day(e.timeEnd)}` : ''}, rôles ${e.roles.join(', ') || 'aucun'}`);
    const expiredManual = d.enrolments.find((e) => e.method === 'manual' && e.timeEnd > 0 && e.timeEnd <= now);
    if (d.canAccess) {
      step('enrolment', 'ok', lines);
    } else if (d.enrolments.length === 0) {
      step('enrolment', 'broken', ['aucune inscription dans le cours'], 'Moodle n’a pas encore appliqué la synchronisation : la tâche horaire « Synchronisation des cohortes » le fera ; un administrateur peut la lancer.');
      return finish();
    } else if (expiredManual) {
      step('enrolment', 'broken', lines, `L’inscription manuelle a expiré le ${day(expiredManual.timeEnd)} : un enseignant peut la prolonger (Participants › modifier l’inscription).`);
      return finish();
    } else {
      const cohortEnrol = d.enrolments.find((e) => e.method === 'cohort');
      const fix = cohortEnrol && !cohortEnrol.active ? 'L’inscription par cohorte est suspendue (l’étudiant avait quitté la cohorte) : elle sera réactivée par la tâche horaire de Moodle, ou tout de suite en resynchronisant l’étudiant.' : 'L’inscription existe mais n’est pas active (suspendue, pas encore commencée ou terminée) : vérifiez ses dates dans Participants.';
      if (cohortEnrol && !cohortEnrol.active) actions.push({ label: 'Synchroniser cet étudiant maintenant', command: `synchroniser étudiant ${s.key}` });
      step('enrolment', 'broken', lines, fix);
      return finish();
    }
    // 7. Manual cohorts that also give access (information only).
    const manual = d.cohorts.filter((c) => !isManaged({ prefix: config.cohorts.idnumberPrefix }, c.idnumber));
    step('manual-cohorts', 'info', manual.length ? manual.map((c) => `${c.idnumber}${c.synced ? ' (synchronisée avec ce cours)' : ''}`) : ['aucune']);
  } else {
    const active = await api.getEnrolledUsers(course.id, [{ name: 'onlyactive', value: 1 }]);
    if (active.some((u) => u.id === user.id)) step('enrolment', 'ok', ['inscription active (détail des méthodes indisponible)']);
    else {
      step('enrolment', 'broken', ['pas d’inscription active'], 'Le cours doit synchroniser la cohorte de l’étape : demandez à un enseignant du cours.');
      return finish();
    }
    step('manual-cohorts', 'info', ['non vérifié sur cette plateforme']);
  }
  return finish();
}
