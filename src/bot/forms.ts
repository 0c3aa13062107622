/** Forms offered where a person would rather fill fields than type a command (words: src/i18n, section forms). */
import { catalog } from '../i18n';
import type { Form } from './views';

/** "Add a cohort sync": course, cohort, role, group — submitted as an `ajouter` command (values are the grammar's words). */
export function addForm(locale?: string): Form {
  const w = catalog(locale).forms.add;
  return {
    id: 'add',
    title: w.title,
    command: 'ajouter {cohort} à {course} rôle {role} groupe {group}',
    submitLabel: w.submit,
    fields: [
      { id: 'course', label: w.course, kind: 'text' },
      { id: 'cohort', label: w.cohort, kind: 'text' },
      { id: 'role', label: w.role, kind: 'choice', value: 'etudiant', choices: (['etudiant', 'tuteur', 'enseignant'] as const).map((value) => ({ label: w.roles[value], value })) },
      { id: 'group', label: w.group, kind: 'choice', value: 'aucun', choices: (['aucun', 'nouveau'] as const).map((value) => ({ label: w.groups[value], value })) },
    ],
  };
}
