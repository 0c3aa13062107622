/** How a run ended, in English. */
import type { RunStatus } from '../../domain/codes';

export const runEn: { status: Record<RunStatus, string> } = {
  status: { applied: 'applied', partial: 'partly failed', held: 'removals held', aborted: 'aborted', 'dry-run': 'dry run', running: 'running', failed: 'failed', interrupted: 'interrupted' },
};
