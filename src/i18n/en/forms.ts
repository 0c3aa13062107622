/** The forms (Teams and Slack) in English. */
import type { formsFr } from '../fr/forms';

export const formsEn: typeof formsFr = {
  add: {
    title: 'Add a cohort sync',
    submit: 'Preview',
    course: 'Course (short name, id or URL)',
    cohort: 'Cohort',
    role: 'Role',
    roles: { etudiant: 'Student', tuteur: 'Non-editing teacher', enseignant: 'Teacher' },
    group: 'Group',
    groups: { aucun: 'None', nouveau: 'New group' },
  },
  required: 'Required',
  missingCourse: 'Give the course',
  missingCohort: 'Give the cohort',
};
