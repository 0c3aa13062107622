/** Les formulaires (Teams et Slack) en français. */
export const formsFr = {
  add: {
    title: 'Ajouter une cohorte',
    submit: 'Aperçu',
    course: 'Cours (nom abrégé, id ou URL)',
    cohort: 'Cohorte',
    role: 'Rôle',
    roles: { etudiant: 'Étudiant', tuteur: 'Enseignant non éditeur', enseignant: 'Enseignant' },
    group: 'Groupe',
    groups: { aucun: 'Aucun', nouveau: 'Nouveau groupe' },
  },
  required: 'Obligatoire',
  missingCourse: 'Indiquez le cours',
  missingCohort: 'Indiquez la cohorte',
};
