/**
 * The right to erasure, for both stores: every trace of one person in every table — journal, audit
 * (targets and details as typed), runs (scope, trigger, guard, platform errors), held plans (their
 * removals and reasons) and chat state (confirmations) — found by any of their identifiers (key,
 * number, e-mail, name…), case-insensitively. One plan of statements, run in one transaction by the
 * store. Written with `?` placeholders; the PostgreSQL store numbers them.
 */
import type { Row } from './rows';

export const ERASED = '[effacé]';

export interface ErasureCounts {
  journal: number;
  audit: number;
  runs: number;
  heldPlans: number;
  state: number;
  /** Learnt Moodle account keys (moodle_keys). */
  moodleKeys: number;
}

/** What the erasure needs to run inside a transaction, whatever the database. */
export interface ErasureTx {
  all(sql: string, params: unknown[]): Promise<Row[]>;
  run(sql: string, params: unknown[]): Promise<number>;
}

/** Identifiers worth searching for: trimmed, lower-cased, distinct, long enough not to match everything. */
export function normaliseIdentifiers(ids: Array<string | undefined>): string[] {
  return [...new Set(ids.filter((x): x is string => typeof x === 'string').map((x) => x.trim().toLowerCase()).filter((x) => x.length >= 3))];
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `lower(col) LIKE ? ESCAPE '\'` for each column and identifier, OR-ed. */
function anyLike(columns: string[], ids: string[]): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  for (const c of columns) {
    for (const id of ids) {
      parts.push(`lower(COALESCE(${c}, '')) LIKE ? ESCAPE '\\'`);
      params.push(`%${likeEscape(id)}%`);
    }
  }
  return { sql: parts.join(' OR '), params };
}

/** Replaces every occurrence of any identifier, whatever its case. */
export function redact(text: string, ids: string[]): string {
  let out = text;
  for (const id of ids) out = out.replace(new RegExp(id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), ERASED);
  return out;
}

const mentions = (text: string, ids: string[]) => ids.some((id) => text.toLowerCase().includes(id));

export async function erase(tx: ErasureTx, identifiers: string[]): Promise<ErasureCounts> {
  const ids = normaliseIdentifiers(identifiers);
  const counts: ErasureCounts = { journal: 0, audit: 0, runs: 0, heldPlans: 0, state: 0, moodleKeys: 0 };
  if (ids.length === 0) return counts;

  const inList = ids.map(() => '?').join(', ');
  const jr = anyLike(['reason'], ids);
  counts.journal = await tx.run(`DELETE FROM journal WHERE lower(COALESCE(student_key, '')) IN (${inList}) OR ${jr.sql}`, [...ids, ...jr.params]);

  const au = anyLike(['actor', 'target', 'detail', 'course'], ids);
  counts.audit = await tx.run(`DELETE FROM audit WHERE ${au.sql}`, au.params);

  // Runs stay (they are the service's history) with the person's identifiers blanked out.
  const ru = anyLike(['scope', 'trigger', 'guard', 'platforms'], ids);
  for (const r of await tx.all(`SELECT run_id, scope, trigger, guard, platforms FROM runs WHERE ${ru.sql}`, ru.params)) {
    await tx.run('UPDATE runs SET scope = ?, trigger = ?, guard = ?, platforms = ? WHERE run_id = ?', [redact(String(r.scope), ids), redact(String(r.trigger), ids), redact(String(r.guard), ids), redact(String(r.platforms), ids), r.run_id]);
    counts.runs++;
  }

  // Held plans lose the person's removals (the next run plans them again from the directory).
  const hp = anyLike(['removals', 'reasons', 'decided_by'], ids);
  for (const h of await tx.all(`SELECT run_id, removals, reasons, decided_by FROM held_plans WHERE ${hp.sql}`, hp.params)) {
    const removals = (JSON.parse(String(h.removals)) as Array<Record<string, unknown>>).filter((x) => !mentions(JSON.stringify(x), ids));
    await tx.run('UPDATE held_plans SET removals = ?, reasons = ?, decided_by = ? WHERE run_id = ?', [JSON.stringify(removals), redact(String(h.reasons), ids), h.decided_by === null || h.decided_by === undefined ? null : redact(String(h.decided_by), ids), h.run_id]);
    counts.heldPlans++;
  }

  // Chat state: confirmations and pointers that mention the person are dropped.
  const st = anyLike(['key', 'value'], ids);
  counts.state = await tx.run(`DELETE FROM state WHERE ${st.sql}`, st.params);
  const cf = anyLike(['actor', 'body'], ids);
  counts.state += await tx.run(`DELETE FROM confirmations WHERE ${cf.sql}`, cf.params);
  // Notices to the person and their notice preference (counted with chat state).
  counts.state += await tx.run(`DELETE FROM notices WHERE lower(recipient) IN (${inList})`, ids);
  counts.state += await tx.run(`DELETE FROM notice_prefs WHERE lower(person) IN (${inList})`, ids);
  // What the sync learnt of the person's Moodle accounts (id ↔ username, student number or e-mail).
  counts.moodleKeys = await tx.run(`DELETE FROM moodle_keys WHERE lower(key) IN (${inList})`, ids);
  return counts;
}

/** Retention: personal data older than the cut-off, from the same tables. */
export async function purgeOlderThan(tx: ErasureTx, before: Date): Promise<number> {
  const at = before.toISOString();
  let n = await tx.run('DELETE FROM journal WHERE at < ?', [at]);
  n += await tx.run('DELETE FROM audit WHERE at < ?', [at]);
  // One-student runs name the student in their scope: blanked once past retention.
  n += await tx.run(`UPDATE runs SET scope = 'user:${ERASED}', trigger = CASE WHEN trigger LIKE 'chat:%' THEN 'chat:${ERASED}' ELSE trigger END WHERE scope LIKE 'user:%' AND scope <> 'user:${ERASED}' AND started_at < ?`, [at]);
  n += await tx.run("DELETE FROM held_plans WHERE status <> 'held' AND created_at < ?", [at]);
  n += await tx.run('DELETE FROM once_keys WHERE expires_at < ?', [new Date().toISOString()]);
  // Confirmations live minutes: gone a day after they expired, used or not.
  n += await tx.run('DELETE FROM confirmations WHERE expires_at < ?', [new Date(Date.now() - 86_400_000).toISOString()]);
  // Notices name their recipient: gone with the other personal data past retention.
  n += await tx.run("DELETE FROM notices WHERE created_at < ? AND status <> 'queued'", [at]);
  return n;
}
