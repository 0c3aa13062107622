/**
 * What Moodle (or the client) answered, in English: one sentence per code, saying what happened and
 * what to do. The plugin's codes follow its lang file (a test checks it).
 */

import type { moodleFr } from '../fr/moodle';

type Words = typeof moodleFr;

export const moodleEn: Words = {
  // The client
  inputVarsExceeded: (e) => `The request to ${e.platform} was too large for the site (max_input_vars): nothing was sent. Tell an administrator.`,
  restDisabled: (e) => `${e.platform} does not accept web services (REST protocol disabled): tell a Moodle administrator.`,
  xmlReply: (e) => `${e.platform} cut the request short (the site's max_input_vars): tell an administrator.`,
  notJson: (e) => `${e.platform} answered something unreadable: try again in a moment; if it lasts, tell support.`,
  badShape: (e) => `${e.platform} answered in an unexpected shape (Moodle or plugin version?): tell support.`,
  unreachable: (e) => `${e.platform} is not answering: try again in a few minutes; if it lasts, tell support.`,
  serverError: (e) => `${e.platform} is failing (HTTP ${e.params.status}): try again in a few minutes; if it lasts, tell support.`,
  // Moodle
  invalidparameter: (e) => `${e.platform} refused a value of the request: check it and try again.`,
  invalidrecord: (e) => `${e.platform} cannot find what was asked for: it may have been deleted meanwhile.`,
  invaliduser: (e) => `${e.platform} cannot find this account: it may have been deleted.`,
  nopermissions: (e) => `Your ${e.platform} account may not do this.`,
  requireloginerror: (e) => `Your ${e.platform} account has no access to this course.`,
  courseContextNotValid: (e) => `Your ${e.platform} account has no access to this course.`,
  codingerror: (e) => `${e.platform} met a programming error: tell support.`,
  invalidtoken: (e) => `cohortbot's token on ${e.platform} is not valid: tell an administrator.`,
  usersuspended: (e) => `cohortbot's service account is suspended on ${e.platform}: tell an administrator.`,
  accessexception: (e) => `The cohortbot service on ${e.platform} does not allow this function: tell an administrator.`,
  servicerequireslogin: (e) => `The cohortbot service on ${e.platform} refuses the service account: tell an administrator.`,
  wsusercannotassign: (e) => `Your ${e.platform} account cannot give this role in this course.`,
  wsnoinstance: (e) => `The course has no active manual enrolment on ${e.platform}.`,
  categoryidnumbertaken: (e) => `This category ID number already exists on ${e.platform}.`,
  shortnametaken: (e) => `This course short name already exists on ${e.platform}.`,
  courseidnumbertaken: (e) => `This course ID number already exists on ${e.platform}.`,
  dmlwriteexception: (e) => `${e.platform} could not write to its database: try again in a moment.`,
  cohortIdnumberTaken: (e) => `A cohort ${e.params.idnumber ? `with ID ${e.params.idnumber} ` : 'with this ID '}already exists on ${e.platform}: choose another ID, or use the existing cohort.`,
  // The local_cohortbot plugin
  ambiguousparams: () => 'Ambiguous request: give either the id or the ID number of the cohort (and of the role).',
  cohortnotavailable: () => 'This cohort is not available to this course.',
  cohortnotfound: () => 'The cohort does not exist.',
  groupnotincourse: () => 'The group does not belong to this course.',
  instanceexists: () => 'This cohort is already synchronised with this role in this course: nothing changed.',
  notcohortinstance: () => 'This enrolment method is not a cohort sync.',
  onbehalfnopermission: () => 'You may not configure cohort sync in this course.',
  onbehalfrequired: () => 'A request must name the person it is made for: the bot never acts with its own account’s rights.',
  plugindisabled: (e) => `The cohort sync enrolment method is disabled on ${e.platform}: tell a Moodle administrator.`,
  rolenotassignable: () => 'This role cannot be assigned in this course.',
  rolenotfound: () => 'The role does not exist.',
  // cohortbot
  hiddencohort: () => 'This cohort is hidden: it cannot be synced to a course.',
  unknown: (e) => `${e.platform} refused the request (code ${e.params.errorcode || 'unknown'}): tell support if it happens again.`,
  unavailable: {
    teacher: (platform) => `Adding cohorts to courses from the chat is not available on ${platform} yet. You can still do it in Moodle: Participants › Enrolment methods › Add method › Cohort sync.`,
    admin: (platform) => `${platform} offers neither local_cohortbot nor local_ws_enrolcohort to cohortbot's token. Install moodle-plugin/local_cohortbot (see its README) and add its functions to the cohortbot service.`,
  },
  internal: 'Something went wrong on our side: nothing was done. Try again; if it happens again, tell support.',
};
