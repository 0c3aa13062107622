/**
 * Confirmations ("oui 1a2b3c4d") in their own table, consumed atomically: the UPDATE that marks one
 * used only matches while it is unused and unexpired, so of two clicks, two replicas or a retried
 * request exactly one wins; the others learn it was already done. Shared by both stores.
 */
import type { ErasureTx } from './erasure';

export interface StoredConfirmation {
  id: string;
  actor: string;
  /** The typed pending action, as JSON (the bot layer owns its shape). */
  body: string;
  createdAt: string;
  expiresAt: string;
}

export type ConsumeResult = { ok: true; body: string } | { ok: false; problem: 'none' | 'expired' | 'notYours' | 'used' };

export async function consumeConfirmation(tx: ErasureTx, id: string | undefined, actor: string, now: Date): Promise<ConsumeResult> {
  const at = now.toISOString();
  const [row] = id
    ? await tx.all('SELECT id, actor, body, expires_at, used_at FROM confirmations WHERE id = ?', [id])
    : await tx.all('SELECT id, actor, body, expires_at, used_at FROM confirmations WHERE actor = ? AND used_at IS NULL ORDER BY created_at DESC LIMIT 1', [actor]);
  if (!row) return { ok: false, problem: id ? 'expired' : 'none' };
  if (row.actor !== actor) return { ok: false, problem: 'notYours' };
  if (row.used_at !== null && row.used_at !== undefined) return { ok: false, problem: 'used' };
  if (String(row.expires_at) <= at) return { ok: false, problem: 'expired' };
  const won = (await tx.run('UPDATE confirmations SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?', [at, row.id, at])) === 1;
  return won ? { ok: true, body: String(row.body) } : { ok: false, problem: 'used' };
}
