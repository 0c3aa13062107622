/** Every command the bot writes out for someone to type or click, in English (see ../fr/commands.ts). */
import { CommandOptions, CommandsCatalog, quoted as q } from '../fr/commands';

const options = (o: CommandOptions = {}): string =>
  `${o.role ? ` role ${o.role}` : ''}${o.rolePlaceholder ? ' role <role>' : ''}${o.group ? ` group ${o.group.kind === 'name' ? q(o.group.name) : o.group.kind === 'new' ? 'new' : 'none'}` : ''}${o.name !== undefined ? ` name ${q(o.name)}` : ''}${o.inactive ? ' inactive' : ''}${o.enabled === true ? ' enable' : o.enabled === false ? ' disable' : ''}`;

export const commandsEn: CommandsCatalog = {
  search: (query, course, page = 1, platform) => `search ${q(query)}${course ? ` in ${q(course)}` : ''}${platform && !course ? ` on ${platform}` : ''}${page > 1 ? ` page ${page}` : ''}`,
  syncs: (course) => `syncs ${q(course)}`,
  add: (cohort, course, o) => `add ${q(cohort)} to ${q(course)}${options(o)}`,
  update: (cohort, course, o) => `update ${q(cohort)} in ${q(course)}${options(o)}`,
  remove: (cohort, course) => `remove ${q(cohort)} from ${q(course)}`,
  why: (student, course) => `why ${q(student)} ${q(course)}`,
  selfWhy: (course) => `why am I not enrolled in ${course}`,
  changes: (course) => `changes ${course}`,
  syncStudent: (student) => `sync student ${q(student)}`,
  syncCohort: (cohort) => `sync cohort ${q(cohort)}`,
  confirm: (id) => `yes ${id}`,
  cancel: (id) => `no ${id}`,
  manual: (id) => `manual ${id}`,
  approve: (run) => `approve ${run}`,
  reject: (run) => `reject ${run}`,
  members: (cohort) => `members ${q(cohort)}`,
  changeMembers: (adding, cohort, list) => `${adding ? 'add' : 'remove'} members ${q(cohort)} ${list.join(' ')}`,
  createCohort: (name, idnumber) => `create cohort ${JSON.stringify(name)} ${idnumber}`,
};
