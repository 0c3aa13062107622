/** English catalogue. Same keys as the French one (the type checks it). */
import type { Catalog } from './fr';
import type { AccountProblem } from '../bot/identity';
import type { GuardReason } from '../domain/codes';
import { guardPlainText, guardText } from './codes';
import { guardEn } from './en/guard';
import { journalEn } from './en/journal';
import { moodleEn } from './en/moodle';
import { runEn } from './en/run';
import { Gender, count } from './format';
import { formsEn } from './en/forms';
import { channelsEn } from './en/channels';
import type { SyncRequestProblem } from '../sync/engine';
import { noticesEn } from './en/notices';
import { commandsEn } from './en/commands';

import { helpEn } from './en/help';
import { rolesEn } from './en/roles';
/** A count and the word that agrees with it. */
const n$ = (n: number, one: string, other: string) => count(n, 'en', { one, other });
/** How many people, with the word their role takes (a negative count: Moodle did not say). */
const people = (n: number, role: string): string => (n < 0 ? 'an unknown number of participants' : role === 'student' ? n$(n, 'student', 'students') : role === 'teacher' || role === 'editingteacher' ? n$(n, 'teacher', 'teachers') : n$(n, 'participant', 'participants'));
/** The verb after people(n): singular for exactly one. */
const verb = (n: number, one: string, other: string): string => (n === 1 ? one : other);

export const en: Catalog = {
  locale: 'en',
  notices: noticesEn,
  /** Commands written out for the asker to type or click. */
  cmd: commandsEn,
  yes: 'yes',
  no: 'no',
  confirm: 'Confirm',
  cancel: 'Cancel',
  more: 'More',
  none: 'none',
  enabled: 'enabled',
  disabled: 'disabled',
  managed: 'general (synced)',
  manual: 'manual',
  available: 'yes',
  notAvailable: 'no',
  platform: 'Platform',
  course: 'Course',
  cohort: 'Cohort',
  role: 'Role',
  group: 'Group',
  members: 'Members',
  status: 'Status',
  name: 'Name',
  roleLabels: rolesEn,
  newGroup: (cohort: string) => `new group named after the cohort "${cohort}"`,

  helpTitle: 'cohortbot — help',
  helpIntro: 'I link Moodle cohorts to your courses and answer questions about the nightly sync of cohorts by code étape.',
  helpTeacher: [
    '`search <text> [in <course>]` — find a cohort (e.g. `search pharma in PHA-L2-101`)',
    '`syncs <course>` — the cohort syncs of a course',
    '`add <cohort> to <course> [role student] [group none|new|<name>] [name "…"] [inactive]`',
    '`update <cohort> in <course> [role …] [group …] [enable|disable] [name "…"]`',
    '`remove <cohort> from <course>`',
    '`status` — last sync, next sync, held removals',
    '`whoami` — your Moodle account and your rights here',
  ],
  helpSupport: [
    "`why <student> <course>` — why a student is not enrolled (private answer)",
    '`sync student <student>` — sync one student now',
    "`history <student>` — a student's journal (private answer)",
    '`create cohort "<name>" [idnumber] [on <platform>]`, `add members <cohort> <list>`, `remove members <cohort> <list>`, `members <cohort>` — manual cohorts',
  ],
  helpAdmin: ['`sync cohort <cohort>`, `sync platform <platform>` or `sync all`', '`approve <run>`, `reject <run>` — removals held by the guard'],
  helpCourseForms: 'Name a course by id, short name, ID number or its Moodle URL (which picks the platform); prefix with the platform when needed: `ecampus:PHA-L2-101`.',

  unknownCommand: (input: string) => `I did not understand "${input}".`,
  didYouMean: (cmd: string) => `Did you mean \`${cmd}\`?`,
  seeHelp: 'Type `help` for the list of commands.',
  optionsAllowed: { options: 'role <…>, group none|new|<name>, name "<…>", inactive, enable, disable', page: 'page <n>', none: 'none' },
  roleNotAssignable: (role: string, possible: string) => `You may not give the role "${role}" in this course. Possible roles: ${possible || 'none'}.`,
  missingWhat: {
    role: 'the role',
    group: 'the group',
    name: 'the name',
    cohortName: 'the cohort name',
    cohortAndList: 'the cohort and the list',
    confirmation: 'the confirmation',
    searchText: 'the text to search for',
    course: 'the course',
    cohortAndCourse: 'the cohort and the course',
    studentAndCourse: 'the student and the course',
    syncTarget: 'a student, a cohort, a platform or "all"',
    student: 'the student',
    cohort: 'the cohort',
    platform: 'the platform',
    runId: 'the run id',
  },
  missing: (what: string, example: string) => `${what} is missing. Example: \`${example}\``,
  tooLong: (max: number) => `Message too long (over ${max} characters): send one command at a time.`,
  badOption: (option: string, allowed: string) => `Unknown or invalid option "${option}". Options: ${allowed}.`,
  badRole: (role: string) => `Unknown role "${role}". Roles: student, teacher, non-editing teacher.`,

  noIdentity: 'I cannot tell who you are: your chat account gives no e-mail address. Ask support to check your profile.',
  accountProblem: (p: AccountProblem): string =>
    ({
      noIdentity: 'I cannot tell who you are: your chat account gives no verified e-mail address. Only "help" and "whoami" are available; ask support to check your profile.',
      foreignDomain: 'Your address is not a university address: I link it to no Moodle account. Only "help" and "whoami" are available.',
      none: 'No Moodle account matches your address. Log in to Moodle once, then try again; until then only "help" and "whoami" are available.',
      ambiguous: 'Several active Moodle accounts have your address: I will not guess which one is yours. Ask support to keep only one.',
      suspended: 'Your Moodle account is suspended or cannot log in: I do not act on its behalf. Contact support.',
      unreachable: 'Moodle does not answer: I cannot check your account. Try again in a moment.',
    })[p],
  accountProblemOn: (p: AccountProblem, platform: string): string =>
    ({
      noIdentity: `I cannot tell who you are on ${platform}.`,
      foreignDomain: `Your address is not a university address: no account on ${platform}.`,
      none: `You have no account on ${platform} matching your address. Log in to ${platform} once, then try again.`,
      ambiguous: `Several active ${platform} accounts have your address: ask support to keep only one.`,
      suspended: `Your ${platform} account is suspended or cannot log in: contact support.`,
      unreachable: `${platform} does not answer: try again in a moment.`,
    })[p],
  noMoodleAccount: (platform: string) => `You have no account on ${platform} matching your address. Log in to ${platform} once, then try again.`,
  notAllowed: 'You are not allowed to do that.',
  notAllowedCourse: (course: string) => `You cannot change the enrolment methods of ${course}: no course of that name of which you are an editing teacher (check the short name, id or URL). Ask a teacher of the course or support.`,
  notAllowedCourseView: (course: string) => `You cannot see the enrolment methods of ${course}: no course of that name of which you are an editing teacher (check the short name, id or URL). Ask a teacher of the course or support.`,
  notAllowedCourseSupport: (course: string) => `No course "${course}" whose enrolment methods your Moodle account may see or change. Check the course's short name, id or URL; if your support role needs those rights, ask a Moodle administrator.`,
  supportOnly: 'This command is for support staff and administrators.',
  adminOnly: 'This command is for administrators.',
  teachersOnly: 'This command is for teachers, support staff and administrators.',
  moodleDown: (platform: string) => `${platform} is not answering. Try again in a few minutes; if it lasts, tell support.`,
  storeUnavailable: 'The bot cannot reach its database right now (it is restarting, say): try again in a moment.',

  courseNotFound: (ref: string) => `No course "${ref}". Check the course's short name, id or URL.`,
  courseAmbiguous: (ref: string) => `Several courses match "${ref}": choose one.`,
  cohortNotFound: (ref: string, course: string) => `No cohort "${ref}" available to ${course}. Try \`search ${ref} in ${course}\`.`,
  cohortDidYouMean: (ref: string, course: string, commands: string) => `No cohort "${ref}" for ${course}. Did you mean ${commands}?`,
  cohortAmbiguous: (ref: string) => `Several cohorts match "${ref}": choose one.`,
  cohortNotInCourse: (cohort: string, course: string) => `${cohort} is not synced with ${course}. See \`syncs ${course}\`.`,
  groupNotFound: (group: string, course: string) => `No group "${group}" in ${course}.`,

  searchTitle: (q: string) => `Cohorts "${q}"`,
  searchNone: (q: string) => `No cohort matches "${q}".`,
  searchColumns: ['Cohort', 'ID', 'Members', 'Type', 'Platform'],
  searchAvailableColumn: 'Usable in the course',
  searchNext: (course: string | undefined) => (course ? `Add one: \`add <ID> to ${course}\`` : 'Add one to a course: `add <ID> to <course>`'),

  syncsTitle: (course: string) => `Cohort syncs — ${course}`,
  syncsNone: (course: string) => `${course} syncs no cohort.`,
  syncsColumns: ['Cohort', 'Role', 'Group', 'Status', 'Active'],
  syncsNext: (course: string) => `Add: \`add <cohort> to ${course}\` — remove: \`remove <cohort> from ${course}\``,

  addConfirmTitle: 'Add a cohort sync?',
  addConfirmText: (cohort: string, course: string, count: number) => `Cohort ${cohort} (${count} members) will be synced with ${course}: its members are enrolled at once, and followed every night.`,
  autoSpaceWarning: (course: string) => `${course} is an automatically created course space: cohort sync is discouraged there. Prefer manual enrolment of the current members with an end date.`,
  manualInstead: (date: string) => `Enrol manually until ${date}`,
  addDone: (cohort: string, course: string, n: number, role: string) => `Done: ${cohort} is synced with ${course}. ${people(n, role)} ${verb(n, 'is', 'are')} now enrolled through this cohort.`,
  addExisting: (cohort: string, course: string) => `${cohort} was already synced with ${course} with that role: nothing changed.`,
  manualDone: (count: number, course: string, date: string) => `${n$(count, 'member', 'members')} enrolled manually in ${course} until ${date}.`,
  inactiveNote: 'The method will be created disabled: nobody is enrolled until it is enabled.',

  removeConfirmTitle: 'Remove the cohort sync?',
  disableConfirmTitle: 'Disable the cohort sync?',
  disableConfirmText: (cohort: string, course: string, n: number, role: string) => `The sync of ${cohort} will be disabled in ${course}: ${people(n, role)} will no longer be enrolled in the course until it is enabled again (those enrolled another way stay enrolled).`,
  roleConfirmTitle: 'Change the role?',
  roleConfirmText: (cohort: string, course: string, who: string, role: string) => `${who} enrolled through ${cohort} in ${course} will get the role "${role}" instead of their current one.`,
  people: (n: number, role: string): string => people(n, role),
  removeDone: (cohort: string, course: string) => `The sync of ${cohort} was removed from ${course}.`,

  updateDone: (cohort: string, course: string, what: string) => `${cohort} in ${course}: ${what}.`,
  updateNothing: 'Nothing to change: give role, group, enable/disable or name.',
  roleChanged: (role: string) => `role ${role}`,
  groupChanged: (group: string) => `group ${group}`,
  statusChanged: (enabled: boolean) => (enabled ? 'enabled' : 'disabled (its members are no longer enrolled in the course through it until it is enabled again)'),
  nameChanged: (name: string) => `name "${name}"`,

  confirmExpired: 'This confirmation has expired or was already used. Run the command again.',
  confirmAlreadyDone: 'Already done: this confirmation was used already (a second click, or a message sent again). Nothing was done twice.',
  confirmNotYours: 'This confirmation belongs to someone else.',
  nothingToConfirm: 'Nothing to confirm.',
  cancelled: 'Cancelled, nothing changed.',

  statusTitle: 'Sync status',
  statusNever: 'No sync has run yet.',
  statusLast: (at: string, status: string, ms: number) => `Last sync: ${at} — ${status} (${Math.round(ms / 1000)} s)`,
  statusLastDecided: (at: string, ms: number, decision: string) => `Last sync: ${at} (${Math.round(ms / 1000)} s). ${decision}`,
  statusNext: (at: string) => `Next: ${at}`,
  statusColumns: ['Platform', 'Cohorts created', 'Added', 'Removed', 'Held', 'Pending accounts', 'Errors'],
  statusHeld: (run: string, n: number, admin = false) => `${n$(n, 'removal', 'removals')} held by the guard in ${run}: ${admin ? `\`approve ${run}\` or \`reject ${run}\`` : 'an administrator can approve or reject them'}.`,
  statusCohortCounts: (added: number, removed: number, pending: number, held = 0) => `+${added} / −${removed} / ${pending} waiting for an account${held > 0 ? ` / ${held} ${held > 1 ? 'removals' : 'removal'} held for approval` : ''}`,
  approveButton: 'Approve removals',
  rejectButton: 'Reject',
  journalActions: journalEn.actions as Record<string, string>,
  statusGuard: (reason: GuardReason, settings = false): string => `Guard: ${settings ? guardText(reason, 'en') : guardPlainText(reason, 'en')}`,
  /** Why removals are held, to the admins who decide: the same sentence in their private notice and in the approve/reject confirmation. */
  heldGuard: (reason: GuardReason): string => `Guard: ${guardText(reason, 'en')}`,
  runStatus: runEn.status as Record<string, string>,

  whoamiTitle: 'Who am I?',
  whoamiRoles: (roles: string) => `Roles: ${roles}`,
  /** Who decided held removals, to someone whose role does not need the administrator's address. */
  anAdministrator: 'an administrator',
  roleNames: { support: 'support', admin: 'administrator' },
  whoamiNoRole: 'Moodle user (your rights in each course are Moodle\'s)',
  whoamiAccount: (platform: string, username: string) => `${platform}: ${username}`,
  whoamiNoAccount: (platform: string) => `${platform}: no account`,
  whyTitle: (student: string, course: string, _gender?: Gender) => `Why is ${student} not enrolled in ${course}?`,
  whyAllGreen: 'Everything is in order: the student has access to the course. If they cannot see it, they should log out and in again, or check that the course is visible.',
  whyBrokenAt: (label: string) => `Broken link: ${label}.`,
  whyFix: (fix: string) => `To do: ${fix}`,
  stepMark: { ok: '✓', broken: '✗', skipped: '·', info: 'ℹ' },
  onIt: 'On it… the answer follows in a few seconds.',
  privateSent: 'Answer sent privately (it holds personal data).',
  syncStudentDone: (student: string, added: number, removed: number, pending: number) => `Sync of ${student}: ${added} added, ${removed} removed${pending ? `, ${pending} waiting for an account` : ''}.`,
  syncRunDone: (run: string, status: string) => `Sync ${run}: ${status}.`,
  syncRunBusy: 'A sync is already running: try again in a few minutes.',
  syncRunCounts: (created: number, added: number, removed: number, held: number, pending: number, errors: number) =>
    `${n$(created, 'cohort', 'cohorts')} created, ${added} added, ${removed} removed, ${n$(held, 'removal', 'removals')} held, ${pending} waiting for an account${errors ? `, ${n$(errors, 'error', 'errors')} (see "status")` : ''}.`,
  syncWhich: (x: string) => `"${x}" may be a student or a cohort: which one should I sync?`,
  syncAsStudent: (x: string) => `Student ${x}`,
  syncAsCohort: (x: string) => `Cohort ${x}`,
  syncProblem: (p: SyncRequestProblem): string => {
    switch (p.code) {
      case 'unknownPlatform':
        return `Unknown platform "${p.platform}". Platforms: ${p.configured.join(', ')}.`;
      case 'badCohort':
        return `"${p.cohort}" is not an étape code (for example L2PHA1).`;
      case 'unknownCohort':
        return `Unknown cohort "${p.cohort}": neither in the directory nor on the platforms.${p.near ? ` Did you mean ${p.near}? \`sync cohort ${p.near}\`` : ''}`;
      case 'unknownStudent':
        return `Unknown student "${p.student}": not in the directory and no Moodle account. Check the username, student number or e-mail.`;
      case 'ambiguousStudent':
        return `"${p.student}" matches ${p.matches} directory entries: give the exact username or student number.`;
      case 'noHeldRemovals':
        return `No held removals for ${p.run}. See \`status\`.`;
      case 'heldAlreadyDecided':
        return `The held removals of ${p.run} were already ${p.status === 'superseded' ? 'superseded by a later run' : p.status}${p.by ? ` by ${p.by}` : ''}: nothing changed.`;
      case 'approvalNeedsCompleteRead':
        return `Cannot approve now: the directory read is incomplete (${p.detail}). Try again later.`;
      case 'runFailed':
        return `The run failed: ${guardText(p.reason, 'en')}.`;
    }
  },
  historyTitle: (student: string) => `History of ${student}`,
  historyEmpty: (student: string) => `No journal entry for ${student}.`,
  historyColumns: ['Date', 'Platform', 'Cohort', 'Action', 'Reason'],
  approveTitle: (run: string) => `Approve the removals held by ${run}?`,
  approveSummary: (n: number) => `${n$(n, 'held removal', 'held removals')}, by cohort:`,
  approveDone: (run: string, removed: number, skipped: number) => `Removals of ${run} applied: ${removed} removed${skipped ? `, ${skipped} skipped as enrolled again` : ''}.`,
  rejectDone: (run: string, n: number) => `${n$(n, 'removal', 'removals')} of ${run} dropped.`,
  approvePartial: (run: string, removed: number, approval: string) => `Approving the removals of ${run} did not complete (${n$(removed, 'removal', 'removals')} done, see run ${approval} in \`status\`): the removals stay held; try \`approve ${run}\` again.`,
  noHeldPlan: (run: string) => `No held removals for ${run}. See \`status\`.`,
  heldPlanDecided: (run: string, status: string, by: string) =>
    status === 'superseded' ? `The held removals of ${run} were superseded by those of run ${by}: see \`status\`.` : `The held removals of ${run} were already ${status} by ${by}: nothing changed.`,
  cohortCreated: (name: string, idnumber: string, platform: string) => `Manual cohort "${name}" (${idnumber}) created on ${platform}. Add members: \`add members ${idnumber} <list>\``,
  managedReadOnly: (idnumber: string) => `${idnumber} is a general cohort, kept by the sync: it is not edited by hand.`,
  manualCohortNotFound: (ref: string) => `No manual cohort "${ref}".`,
  cohortUnknown: (ref: string) => `No cohort "${ref}" on the platforms.`,
  cohortOnSeveral: (ref: string) => `"${ref}" exists on several platforms: which one?`,
  membersUnknown: (list: string) => `Unknown, nothing was done: ${list}. Fix the list and try again.`,
  membersConfirmTitle: (n: number, cohort: string, adding: boolean) => `${adding ? 'Add' : 'Remove'} ${n$(n, 'member', 'members')} ${adding ? 'to' : 'from'} ${cohort}?`,
  membersDone: (n: number, cohort: string, adding: boolean) => `${n$(n, 'member', 'members')} ${adding ? 'added to' : 'removed from'} ${cohort}.`,
  membersTitle: (cohort: string, n: number) => `${cohort} — ${n$(n, 'member', 'members')}`,
  membersColumns: ['Name', 'Username', 'E-mail'],
  membersUnchanged: (list: string, adding: boolean) => `${adding ? 'Already members' : 'Not members'}, nothing to do for them: ${list}.`,
  membersNothingToDo: (cohort: string, adding: boolean) => (adding ? `All of them are already members of ${cohort}: nothing was done.` : `None of them is a member of ${cohort}: nothing was done.`),
  idnumberPrefixReserved: (prefix: string) => `ID numbers starting with "${prefix}" are reserved for general cohorts.`,
  cardDoneBy: (who: string, when: string) => `Done by ${who} on ${when}.`,
  // Trust at the edges (#28).
  summaryHereDone: 'The daily summary will be posted in this conversation.',
  summaryHereNotShared: 'Say `summary here` in the team channel that should receive the daily summary, not in a private chat.',
  summaryHereUnsupported: 'Here the daily summary channel is configured (SLACK_DIGEST_CHANNEL for Slack).',
  helpSummary: '`summary here` — post the daily summary in this team channel',
  whyNotInCourse: (student: string, course: string) => `${student} is not in ${course}: neither enrolled nor a member of a cohort synced with this course. Support can tell you more.`,
  cohortUnavailable: (ref: string) => `No manual cohort "${ref}" that you may change. Check its ID; your Moodle rights on cohorts are granted by a Moodle administrator.`,
  cohortRightsUnverifiable: (platform: string) => `On ${platform}, cohortbot cannot check your Moodle rights on cohorts (it needs an up-to-date local_cohortbot plugin): nothing was done. Do it in Moodle (Site administration › Users › Cohorts).`,
  membersPrivileged: (courses: string) => `Warning: this cohort is synced with a role other than student — ${courses}. These people will get that role there (or lose it).`,
  membersPrivilegedCourse: (course: string, role: string) => `${course}: role ${role}`,
  cohortCreateRefused: (platform: string) => `Your Moodle account cannot create cohorts on ${platform} (it needs moodle/cohort:manage): nothing was done. Ask a Moodle administrator for that right.`,
  cohortWhichPlatform: (name: string, idnumber?: string) => `On which platform should the cohort "${name}" be created? Pick it, or name it: create cohort "${name}" ${idnumber ?? '<idnumber>'} on <platform>.`,
  // Sections: codes of the core in words (src/i18n/en/).
  guard: guardEn,
  journal: journalEn,
  moodle: moodleEn,
  run: runEn,
  forms: formsEn,
  channels: channelsEn,
  help: helpEn,
};
