/** What `status` says of the notices (kept apart from the senders: the CLI loads no chat SDK for it). */
import type { Store } from '../store/types';

/** The notices of the latest of these runs that had any: its id and its counts (for `status`). */
export async function latestNotices(store: Store, runIds: string[]): Promise<{ runId: string; counts: Awaited<ReturnType<Store['notices']['counts']>> } | undefined> {
  for (const runId of runIds.slice(0, 5)) {
    const counts = await store.notices.counts(runId);
    if (Object.values(counts).some((n) => n > 0)) return { runId, counts };
  }
  return undefined;
}
