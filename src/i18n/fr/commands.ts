/**
 * Every command the bot writes out for someone to type or click (hints, "did you mean", choice
 * buttons), in French: one function per command kind. The English catalogue has the same functions,
 * so a hint is always in the asker's language and always parses (src/bot/commands.ts).
 */

/** Quotes a value when it holds spaces, so it stays one argument. */
export const quoted = (s: string): string => (/\s/.test(s) ? `"${s.replace(/"/g, "'")}"` : s);
const q = quoted;

/** Options of `ajouter` / `modifier`, as the grammar reads them. */
export interface CommandOptions {
  role?: string;
  group?: { kind: 'none' } | { kind: 'new' } | { kind: 'name'; name: string };
  name?: string;
  inactive?: boolean;
  /** `modifier`: enable (true) or disable (false). */
  enabled?: boolean;
  /** `modifier … rôle <rôle>`: a placeholder for the role to type. */
  rolePlaceholder?: boolean;
}

const options = (o: CommandOptions = {}): string =>
  `${o.role ? ` rôle ${o.role}` : ''}${o.rolePlaceholder ? ' rôle <rôle>' : ''}${o.group ? ` groupe ${o.group.kind === 'name' ? q(o.group.name) : o.group.kind === 'new' ? 'nouveau' : 'aucun'}` : ''}${o.name !== undefined ? ` nom ${q(o.name)}` : ''}${o.inactive ? ' inactive' : ''}${o.enabled === true ? ' activer' : o.enabled === false ? ' désactiver' : ''}`;

export const commandsFr = {
  search: (query: string, course?: string, page = 1, platform?: string) => `chercher ${q(query)}${course ? ` dans ${q(course)}` : ''}${platform && !course ? ` sur ${platform}` : ''}${page > 1 ? ` page ${page}` : ''}`,
  syncs: (course: string) => `méthodes ${q(course)}`,
  add: (cohort: string, course: string, o?: CommandOptions) => `ajouter ${q(cohort)} à ${q(course)}${options(o)}`,
  update: (cohort: string, course: string, o?: CommandOptions) => `modifier ${q(cohort)} dans ${q(course)}${options(o)}`,
  remove: (cohort: string, course: string) => `retirer ${q(cohort)} de ${q(course)}`,
  why: (student: string, course: string) => `pourquoi ${q(student)} ${q(course)}`,
  selfWhy: (course: string) => `pourquoi je ne suis pas inscrit en ${course}`,
  changes: (course: string) => `changements ${course}`,
  syncStudent: (student: string) => `synchroniser étudiant ${q(student)}`,
  syncCohort: (cohort: string) => `synchroniser cohorte ${q(cohort)}`,
  confirm: (id: string) => `oui ${id}`,
  cancel: (id: string) => `non ${id}`,
  manual: (id: string) => `manuel ${id}`,
  approve: (run: string) => `approuver ${run}`,
  reject: (run: string) => `rejeter ${run}`,
  members: (cohort: string) => `membres ${q(cohort)}`,
  changeMembers: (adding: boolean, cohort: string, list: string[]) => `${adding ? 'ajouter' : 'retirer'} membres ${q(cohort)} ${list.join(' ')}`,
  createCohort: (name: string, idnumber: string) => `créer cohorte ${JSON.stringify(name)} ${idnumber}`,
};
export type CommandsCatalog = typeof commandsFr;
