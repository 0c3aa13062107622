/** L’issue d’une synchronisation, en français. */
import type { RunStatus } from '../../domain/codes';

export const runFr: { status: Record<RunStatus, string> } = {
  status: { applied: 'appliquée', partial: 'en partie échouée', held: 'retraits retenus', aborted: 'abandonnée', 'dry-run': 'simulation', running: 'en cours', failed: 'échouée', interrupted: 'interrompue' },
};
