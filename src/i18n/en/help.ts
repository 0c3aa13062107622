/** The "help" section of the English catalogue (#26 B): same keys as the French one (the type checks it). */
import { count } from '../format';
import type { HelpSection } from '../fr/help';

const n = (k: number, one: string, other: string) => count(k, 'en', { one, other });
const roleWord = (k: number, role: string): string =>
  role === 'student' ? n(k, 'student', 'students') : role === 'editingteacher' ? n(k, 'teacher', 'teachers') : role === 'teacher' ? n(k, 'tutor (non-editing teacher)', 'tutors (non-editing teachers)') : role === 'manager' ? n(k, 'manager', 'managers') : n(k, 'participant', 'participants');

export const helpEn: HelpSection = {
  title: 'cohortbot — help',
  intro: 'I link Moodle cohorts to your courses and answer questions about their nightly sync.',
  apogee: '*Apogée* is the university’s student records system; a *code étape* (e.g. L2PHA1) names one year of a degree there. Each code étape has its general cohort (etp:L2PHA1), filled every night from the directory.',
  example: (cmd: string) => `e.g. \`${cmd}\``,
  sections: { everyone: 'Everyone', teacher: 'Teacher (in your courses)', support: 'Support', admin: 'Administrator' },
  platforms: 'Your accounts',
  accountOn: (platform: string, username: string) => `${platform}: account ${username}`,
  noAccountOn: (platform: string) => `${platform}: no account (course commands do not work there for you)`,
  noAccount: 'No Moodle account matches your address: you may only use `help` and `whoami`. Log in to Moodle once, then try again.',
  courseForms: 'Name a course by its short name (any case), full name, id, ID number or Moodle URL; prefix with the platform when needed, e.g. `syncs ecampus:PHA-L2-101`.',
  lines: {
    help: ['help', 'this help', undefined],
    whoami: ['whoami', 'your Moodle account on each platform', undefined],
    search: ['search <text> [in <course>]', 'find a cohort', (c: string) => `search pharma in ${c}`],
    syncs: ['syncs <course>', 'the cohorts synced with a course', (c: string) => `syncs ${c}`],
    add: ['add <cohort> to <course> [role student] [group none|new|<name>] [name "…"] [inactive]', 'sync a cohort with a course (confirmation first)', undefined],
    update: ['update <cohort> in <course> [role …] [group …] [enable|disable] [name "…"]', 'change role, group, status or name', undefined],
    remove: ['remove <cohort> from <course>', 'remove a sync (confirmation first)', undefined],
    status: ['status [<cohort>|<platform>]', 'last sync, next one, held removals', () => 'status'],
    whyTeacher: ['why <student> <course>', 'what your course knows about a student (private reply)', undefined],
    whySupport: ['why <student> <course>', 'why a student is not enrolled: the whole chain (private reply)', undefined],
    syncStudent: ['sync student <student>', 'sync one student now', undefined],
    history: ['history <student>', 'a student’s journal (private reply)', undefined],
    createCohort: ['create cohort "<name>" [<idnumber>] [in <platform>]', 'create a manual cohort', undefined],
    addMembers: ['add members <cohort> <list>', 'add people to a manual cohort', undefined],
    removeMembers: ['remove members <cohort> <list>', 'remove people from a manual cohort', undefined],
    members: ['members <cohort>', 'a cohort’s members (private reply)', (c: string) => `members ${c}`],
    syncOther: ['sync cohort <code étape> | platform <platform> | all', 'a scoped sync now', () => 'sync all'],
    approve: ['approve <run>', 'apply removals held by the guard (confirmation first)', undefined],
    reject: ['reject <run>', 'drop held removals (confirmation first)', undefined],
    summaryHere: ['summary here', 'post the daily summary in this team channel', undefined],
  },

  notUnderstood: (input: string) => `I did not understand “${input}”.`,
  closest: (cmd: string) => `The closest command: \`${cmd}\`.`,
  courseDidYouMean: (courses: string) => `Did you mean ${courses}?`,
  addDoneInactive: (cohort: string, course: string, cmd: string) => `Done: ${cohort} is added to ${course}, disabled — nobody is enrolled through it. To enable it: \`${cmd}\``,

  notYourCourse: (course: string) => `No course “${course}” among those you teach. Check the short name, id or URL; for another course, ask support.`,
  historyScope: 'This is the sync’s journal (general cohorts). Changes made by hand to manual cohorts (`add members <cohort> <list>`, `remove members <cohort> <list>`) are not in it: they are in the audit trail, and `members <cohort>` shows where they stand now.',
  cancelledNothing: 'Nothing was waiting for a confirmation: nothing was cancelled.',
  addExists: (cohort: string, course: string, state: string, role: string) => `${cohort} is already synced with ${course} (role ${role}, ${state}): nothing will be added.`,
  addExistsDisabled: (cmd: string) => `It is disabled: its members have no access to the course through it. To enable it: \`${cmd}\``,
  addExistsChange: (cmd: string) => `To change it: \`${cmd}\``,
  addWillEnrol: (cohort: string, course: string, members: number) => `The cohort ${cohort} (${n(members, 'member', 'members')}) will be synced with ${course}: its members are enrolled at once, then kept in step every night.`,
  addWillNotEnrol: (cohort: string, course: string, members: number) => `The cohort ${cohort} (${n(members, 'member', 'members')}) will be added to ${course}, disabled: nobody is enrolled until it is enabled.`,
  enableConfirmTitle: 'Enable the sync?',
  enableConfirmText: (cohort: string, course: string, k: number, role: string, roleName: string) =>
    `The sync of ${cohort} will be enabled in ${course}: ${role === 'student' ? `${roleWord(k, role)} will have access to the course` : `${n(k, 'cohort member', 'cohort members')} will have access to the course with the role “${roleName}”`}.`,
  roleChangeText: (cohort: string, course: string, k: number, from: string, toName: string, fromName: string) => `${roleWord(k, from)} enrolled by ${cohort} in ${course} will get the role “${toName}” instead of “${fromName}”.`,
  loseRole: (k: number, role: string, roleName: string) => `${roleWord(k, role)} will lose their role “${roleName}” in the course.`,
  whoLoseAccess: (k: number, role: string) => (k < 0 ? 'an unknown number of participants will lose' : `${roleWord(k, role)} will lose`),
  removeText: (cohort: string, course: string, lose: string) => `The sync of ${cohort} will be removed from ${course}: ${lose} access to the course (those with another way in keep it).`,
  people: roleWord,
  nameOnCard: 'Method name',

  rejectTitle: (run: string) => `Reject the held removals of ${run}?`,
  rejectSummary: (k: number) => `${n(k, 'held removal', 'held removals')} will be dropped (these people stay in their cohorts), by cohort:`,
  decisionApproved: (run: string, by: string, at: string, removed: number, approval: string) => `Held removals of ${run} approved by ${by} on ${at}: ${n(removed, 'person', 'people')} removed (sync ${approval}).`,
  decisionApprovedNoRun: (run: string, by: string, at: string) => `Held removals of ${run} approved by ${by} on ${at}.`,
  decisionRejected: (run: string, by: string, at: string, k: number) => `Held removals of ${run} rejected by ${by} on ${at}: ${n(k, 'person stays', 'people stay')} in their cohort.`,
  decisionSuperseded: (run: string) => `The held removals of ${run} were replaced by a later sync.`,
  runLabel: (run: string, at: string) => `Sync ${run} of ${at}`,
  lastScoped: (scope: string, at: string, added: number, removed: number) => `Last scoped sync (${scope}) on ${at}: ${n(added, 'addition', 'additions')}, ${n(removed, 'removal', 'removals')}.`,
  scopeStudent: 'one student',
  scopeCohort: (c: string) => `cohort ${c}`,
  scopePlatform: (p: string) => `platform ${p}`,
  noFullRun: 'No full sync has run yet.',
  cohortRunCounts: (cohort: string, platform: string, run: string, at: string) => `${cohort} on ${platform}, sync ${run} of ${at}`,
};
