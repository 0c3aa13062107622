/** Moodle's role shortnames as a French reader names them: one list for the chat and the "why". */
export const rolesFr: Record<string, string> = { student: 'étudiant', editingteacher: 'enseignant', teacher: 'enseignant non éditeur', manager: 'gestionnaire' };
