/** Le journal en français : ce qu’a fait une synchronisation (actions) et pourquoi (raisons). */
import type { JournalAction, JournalReason } from '../../domain/codes';
import { count } from '../format';
import type { WordsFor } from '../words';

const approved = (r: { heldIn?: string; by?: string }) => (r.heldIn ? ` (retenu dans ${r.heldIn}, approuvé par ${r.by ?? '?'})` : '');

export const journalFr: { actions: Record<JournalAction, string>; reasons: WordsFor<JournalReason> } = {
  actions: { add: 'ajout', remove: 'retrait', pending: 'en attente de compte', create: 'création', rename: 'renommage', delete: 'suppression', held: 'retrait retenu' },
  reasons: {
    inscription: (r) => `inscription ${r.year} à ${r.etape}${r.status ? ` (statut ${r.status})` : ''}`,
    noInscription: (r) => `plus d’inscription ${r.year ? `${r.year} ` : 'de l’année '}à ${r.etape} dans l’annuaire${approved(r)}`,
    notStudent: (r) => `n’est plus étudiant dans l’annuaire${approved(r)}`,
    etapeGone: (r) => `l’étape ${r.etape} n’est plus dans l’annuaire${approved(r)}`,
    noAccountYet: () => 'pas encore de compte Moodle (créé à la première connexion)',
    etapeHasStudents: (r) => `l’étape ${r.etape} compte ${count(r.students, 'fr', { one: 'étudiant', other: 'étudiants' })} dans l’annuaire`,
    renamed: (r) => `« ${r.from} » → « ${r.to} » (modèle de nom ou libellé de l’étape changé)`,
    cohortUnused: (r) => `l’étape ${r.etape} a disparu, la cohorte est vide et aucun cours ne la synchronise`,
    legacy: (r) => r.text,
  },
};
