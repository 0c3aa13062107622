/** The journal in English: what a run did (actions) and why (reasons). */
import type { JournalAction, JournalReason } from '../../domain/codes';
import { count } from '../format';
import type { WordsFor } from '../words';

const approved = (r: { heldIn?: string; by?: string }) => (r.heldIn ? ` (held in ${r.heldIn}, approved by ${r.by ?? '?'})` : '');

export const journalEn: { actions: Record<JournalAction, string>; reasons: WordsFor<JournalReason> } = {
  actions: { add: 'added', remove: 'removed', pending: 'waiting for an account', create: 'cohort created', rename: 'cohort renamed', delete: 'cohort deleted', held: 'removal held' },
  reasons: {
    inscription: (r) => `${r.year} registration to ${r.etape}${r.status ? ` (status ${r.status})` : ''}`,
    noInscription: (r) => `no ${r.year ?? 'current'} registration to ${r.etape} in the directory${approved(r)}`,
    notStudent: (r) => `no longer a student in the directory${approved(r)}`,
    etapeGone: (r) => `${r.etape} no longer in the directory${approved(r)}`,
    noAccountYet: () => 'no Moodle account yet (created at first login)',
    etapeHasStudents: (r) => `${r.etape} has ${count(r.students, 'en', { one: 'student', other: 'students' })} in the directory`,
    renamed: (r) => `“${r.from}” → “${r.to}” (name template or label changed)`,
    cohortUnused: (r) => `${r.etape} gone, cohort empty and synced by no course`,
    legacy: (r) => r.text,
  },
};
