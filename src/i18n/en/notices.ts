/** Private notices (#32), in English; same keys as the French section (the type checks it). */
import { count, formatNumber } from '../format';
import type { ChangeReason, ChangesReason, NoticesCatalog } from '../fr/notices';
import type { Entry } from '../../diagnosis/access';

export const noticesEn: NoticesCatalog = {
  teacherTitle: 'Your courses after the sync',
  teacherIntro: (when: string) => `The sync of ${when} changed the enrolments of your courses (no names here):`,
  courseLine: (course: string, arrived: number, left: number, held: number) =>
    `${course} — ${count(arrived, 'en', { one: 'arrival', other: 'arrivals' })}, ${count(left, 'en', { one: 'departure', other: 'departures' })}${held ? `, ${count(held, 'en', { one: 'removal held', other: 'removals held' })}` : ''}`,
  reasons: {
    newInscription: 'new registration',
    accountCreated: 'Moodle account created',
    leftEtape: 'left the étape',
    leftDirectory: 'no longer a student in the directory',
    held: 'removal held for approval (still enrolled)',
  } as Record<ChangeReason, string>,
  reasonLine: (reason: string, n: number) => `   • ${reason}: ${formatNumber(n, 'en')}`,
  moreCourses: (n: number) => `… and ${count(n, 'en', { one: 'other course', other: 'other courses' })}.`,
  listNames: (example: string) => `To see the names: \`changes ${example}\` (private reply).`,
  stop: 'To stop these notices: `notifications off`.',
  heldTitle: 'Removals held: your decision',
  heldReminderTitle: 'Reminder: removals are still waiting for your decision',
  heldIntro: (runId: string, removals: number, when: string) => `The sync ${runId} of ${when} held ${count(removals, 'en', { one: 'removal', other: 'removals' })}: they apply only once an admin approves.`,
  heldWhy: (reason: string) => `Why: ${reason}`,
  heldButtons: 'The buttons work once; `approve` checks each removal against the directory again.',
  unreachable: (n: number) => `${count(n, 'en', { one: 'teacher', other: 'teachers' })} could not be told (never wrote to the bot in Teams, no Slack account for their e-mail).`,
  noticesOfRun: (runId: string, sent: number, skipped: number, failed: number, queued: number) =>
    `Private notices of ${runId}: ${formatNumber(sent, 'en')} sent, ${formatNumber(skipped, 'en')} unreachable, ${formatNumber(failed, 'en')} failed${queued ? `, ${formatNumber(queued, 'en')} waiting` : ''}.`,
  prefOn: 'Noted: you will get a private notice when a sync changes the enrolments of your courses. `notifications off` to stop.',
  prefOff: 'Noted: no more private notices after syncs. `notifications on` to get them again.',
  /** Someone who teaches no course (a student): notices are for teachers; their choice is kept for when they teach. */
  prefNotTeacher: (noted: boolean) => `These private notices are for teachers: they say what a sync changed in the courses they teach, and you teach none.${noted ? ' Noted: you will get them once you teach a course.' : ''}`,
  prefDisabled: 'Notices to teachers are turned off by the administrator (NOTIFY_TEACHERS=off): nothing is sent.',
  // Refused: the same words whether or not the course exists.
  changesNotYours: (course: string) => `You cannot see the enrolment changes of ${course}: no course of that name of which you are an editing teacher (check the short name, id or URL). Ask a teacher of the course or support.`,
  changesNotYoursSupport: (course: string) => `No course "${course}" whose enrolment changes your Moodle account may see. Check the course's short name, id or URL; if your support role needs those rights, ask a Moodle administrator.`,
  /** After "this command is for teachers…", to someone who teaches nothing: what they may ask instead. */
  forYourself: 'For yourself: `why am I not enrolled in <course>`.',
  yourCourses: 'Your own courses: `my courses`.',
  changesTitle: (course: string) => `Changes in ${course}`,
  changesNone: (course: string) => `No recent change in the cohorts ${course} syncs.`,
  changesIntro: (runId: string, when: string) => `Sync ${runId} of ${when}:`,
  changesColumns: ['Username', 'Cohort', 'Change', 'Reason'],
  changesAction: { add: 'arrived', remove: 'left', held: 'removal held' } as Record<string, string>,
  changesReason: { newInscription: 'new registration', leftEtape: 'left the étape', leftDirectory: 'no longer a student' } as Record<ChangesReason, string>,
  myCoursesTitle: 'My courses',
  myCoursesNone: (platform: string) => `You are not enrolled in any course on ${platform}.`,
  myCoursesColumns: ['Platform', 'Course', 'Name'],
  /** A course that does not let them in today, marked with their enrolment's state. */
  myCoursesMarked: (name: string) => `⚠ ${name}`,
  myCoursesNoAccessLine: (course: string, state: string) => `⚠ ${course}: ${state} — you have no access to it today.`,
  myCoursesNoAccess: 'no access',
  myCoursesHint: 'A course missing? `why am I not enrolled in <course>`.',
  selfWhyTitle: (course: string, entry = 'out') => {
    const titles: Record<Entry, string> = {
      in: `You have access to ${course}`,
      'cannot-log-in': `You are enrolled in ${course} but cannot log in (Moodle account suspended)`,
      enrolled: `You are enrolled in ${course}`,
      out: `Why you are not enrolled in ${course}`,
    };
    return titles[entry];
  },
  selfOk: (course: string) => `You are enrolled in ${course}: you have access.`,
  selfEtape: (etapes: string) => `Your registration for this year is in étape ${etapes}.`,
  selfNoInscription: (year: number) => `No ${year} registration in your name in the directory: only your programme's office can record it.`,
  selfOtherYear: (year: number) => `Your ${year} registration is not recorded yet (only another year's is): ask your programme's office.`,
  selfCancelled: (year: number) => `Your ${year} registration is not in force in Apogée: ask your programme's office.`,
  selfCourseTakes: (etapes: string) => `This course takes students of étapes ${etapes}.`,
  selfCourseTakesUnknown: 'This course does not take students of your étape through a sync.',
  selfAskTeacher: 'If you should follow this course, ask its teacher or your programme’s office.',
  selfWrongPlatform: (platform: string) => `This course is on ${platform}, which does not take your étape: ask your programme's office.`,
  selfAccountTonight: (platform: string, when: string) => `Your ${platform} account will be created when you first log in; the sync (${when}) then enrols you.`,
  selfSyncTonight: (when: string) => `Your registration is known: the sync (${when}) will add you to the course.`,
  selfLeaving: (when: string) => `The next sync (${when}) will remove you from this course: this year's registration no longer supports it. If that is wrong, ask your programme’s office.`,
  selfEnrolled: 'Your enrolment in the course is active. If you cannot get in, ask the university’s Moodle support.',
  selfStarts: (course: string, day: string) => `Your enrolment in ${course} starts on ${day}. If that date is wrong, ask the course’s teacher.`,
  selfHeld: 'Your leaving this course waits for an admin’s decision: you keep access until then.',
  selfSuspended: (platform: string) => `Your ${platform} account is suspended: ask the university's Moodle support.`,
  selfDirectory: 'You do not appear as a student in the directory: ask your programme’s office.',
  selfMoodleSoon: 'You are a member of a cohort the course syncs: Moodle applies it every hour, your enrolment will follow.',
  selfEnrolmentInactive: 'Your enrolment in the course exists but is not active (dates, suspension): ask the course’s teacher.',
  selfUnavailable: 'Cannot check right now (directory or Moodle unavailable): try again later.',
  selfOnly: 'You can only ask about yourself: `why am I not enrolled in <course>`.',
};

export type { ChangeReason };
