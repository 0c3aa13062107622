/** Moodle's role shortnames as an English reader names them: one list for the chat and the "why". */
export const rolesEn: Record<string, string> = { student: 'student', editingteacher: 'teacher', teacher: 'non-editing teacher', manager: 'manager' };
