/** Forms offered where a person would rather fill fields than type a command. */
import type { Form } from './views';

/** "Add a cohort sync": course, cohort, role, group — submitted as an `ajouter` command. */
export function addForm(locale?: string): Form {
  const en = locale?.startsWith('en');
  return {
    id: 'add',
    title: en ? 'Add a cohort sync' : 'Ajouter une cohorte',
    command: 'ajouter {cohort} à {course} rôle {role} groupe {group}',
    submitLabel: en ? 'Preview' : 'Aperçu',
    fields: [
      { id: 'course', label: en ? 'Course (short name, id or URL)' : 'Cours (nom abrégé, id ou URL)', kind: 'text' },
      { id: 'cohort', label: en ? 'Cohort' : 'Cohorte', kind: 'text' },
      { id: 'role', label: en ? 'Role' : 'Rôle', kind: 'choice', value: 'etudiant', choices: [{ label: en ? 'Student' : 'Étudiant', value: 'etudiant' }, { label: en ? 'Non-editing teacher' : 'Enseignant non éditeur', value: 'tuteur' }, { label: en ? 'Teacher' : 'Enseignant', value: 'enseignant' }] },
      { id: 'group', label: en ? 'Group' : 'Groupe', kind: 'choice', value: 'aucun', choices: [{ label: en ? 'None' : 'Aucun', value: 'aucun' }, { label: en ? 'New group' : 'Nouveau groupe', value: 'nouveau' }] },
    ],
  };
}
