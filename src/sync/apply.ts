/**
 * Applies a plan to one platform: creates → renames → adds → removals, in batches under the site's
 * max_input_vars, through the client's concurrency cap. Idempotent: every step tolerates work that
 * an interrupted earlier run already did, so the next run converges. The journal is written after
 * each successful call, so it never holds a change that did not happen.
 */
import type { CategoryType, MoodleApi } from '../moodle/api';
import type { WsParams } from '../moodle/encode';
import { MoodleError } from '../moodle/errors';
import type { JournalEntry } from '../store/types';
import type { MemberChange, Plan } from './types';

export interface ApplyContext {
  api: MoodleApi;
  categorytype: CategoryType;
  runId: string;
  now: () => Date;
  journal: (entries: JournalEntry[]) => Promise<void>;
  /** Of these pending accounts, the ones the journal does not already say are pending (journaled once, not every night). */
  newlyPending?: (pending: Plan['pending']) => Promise<Plan['pending']>;
  onProgress?: (p: { platform: string; phase: string; done: number; total: number }) => void;
}

export interface ApplyResult {
  created: number;
  renamed: number;
  added: number;
  removed: number;
  deleted: number;
  errors: string[];
}

const describe = (e: unknown): string => (e instanceof MoodleError ? `${e.function}: ${e.errorcode ?? e.kind}: ${e.message.split(': ').slice(2).join(': ') || e.message}` : (e as Error).message);

export async function applyPlan(p: Plan, removals: 'apply' | 'skip' | 'hold', ctx: ApplyContext): Promise<ApplyResult> {
  const result: ApplyResult = { created: 0, renamed: 0, added: 0, removed: 0, deleted: 0, errors: [] };
  // One time stamp per call's batch, not per row: a first sync journals a hundred thousand rows.
  const entry = (e: Omit<JournalEntry, 'runId' | 'platform' | 'at'>, at = ctx.now().toISOString()): JournalEntry => ({ runId: ctx.runId, platform: p.platform, at, cohortIdnumber: e.cohortIdnumber, studentKey: e.studentKey, moodleUserId: e.moodleUserId, action: e.action, reason: e.reason });
  const progress = (phase: string, done: number, total: number) => ctx.onProgress?.({ platform: p.platform, phase, done, total });

  const ids = await createCohorts(p, ctx, result, entry);

  if (p.renames.length > 0) {
    try {
      await ctx.api.updateCohorts(p.renames.map((r) => ({ id: r.cohortId, categorytype: ctx.categorytype, name: r.to, idnumber: r.idnumber })));
      result.renamed = p.renames.length;
      await ctx.journal(p.renames.map((r) => entry({ cohortIdnumber: r.idnumber, action: 'rename', reason: `${r.from} → ${r.to}` })));
    } catch (e) {
      result.errors.push(`renaming cohorts: ${describe(e)}`);
    }
  }

  // Adds: by id, so a warning message names exactly which member it is about.
  // The plan's own changes (no copies: a first sync has a hundred thousand), with the ids of new cohorts looked up.
  const cohortOf = (a: MemberChange): number => a.cohortId ?? ids.get(a.cohortIdnumber)!;
  const adds: MemberChange[] = [];
  const missing = new Map<string, number>();
  for (const a of p.adds) {
    if (a.cohortId === undefined && !ids.has(a.cohortIdnumber)) missing.set(a.cohortIdnumber, (missing.get(a.cohortIdnumber) ?? 0) + 1);
    else adds.push(a);
  }
  for (const [idnumber, n] of missing) result.errors.push(`cohort ${idnumber} could not be created: ${n} member(s) not added`);
  let done = 0;
  await forEachBatch(ctx.api, adds, (b) => ({ members: b.map((a) => ({ cohorttype: { type: 'id', value: String(cohortOf(a)) }, usertype: { type: 'id', value: String(a.userId) } })) }), async (batch) => {
    try {
      const warnings = await ctx.api.addCohortMembers(batch.map((a) => ({ cohortId: cohortOf(a), userId: a.userId })));
      const failed = new Set<string>();
      for (const w of warnings) {
        if (w.warningcode === '3') failed.add(`already:${w.message}`);
        else failed.add(w.message);
      }
      const journal: JournalEntry[] = [];
      const at = ctx.now().toISOString();
      for (const a of batch) {
        const gone = failed.has(`user id=${a.userId} not exists`) || failed.has(`cohort id=${cohortOf(a)} not exists`);
        const already = failed.has(`already:record already exists: cohort(id=${cohortOf(a)} id=${a.userId})`);
        if (gone) result.errors.push(`${a.cohortIdnumber}: user ${a.userId} or the cohort no longer exists`);
        else if (!already) {
          result.added++;
          journal.push(entry({ cohortIdnumber: a.cohortIdnumber, studentKey: a.key, moodleUserId: a.userId, action: 'add', reason: a.reason }, at));
        }
      }
      await ctx.journal(journal);
    } catch (e) {
      result.errors.push(`adding ${batch.length} member(s): ${describe(e)}`);
    }
    progress('add', (done += batch.length), adds.length);
  });

  const now = ctx.now().toISOString();
  const pending = p.pending.length > 0 && ctx.newlyPending ? await ctx.newlyPending(p.pending) : p.pending;
  if (pending.length > 0) {
    await ctx.journal(pending.map((x) => entry({ cohortIdnumber: x.cohortIdnumber, studentKey: x.key, action: 'pending', reason: x.reason }, now)));
  }

  if (removals === 'hold') {
    await ctx.journal(p.removals.map((r) => entry({ cohortIdnumber: r.cohortIdnumber, studentKey: r.key, moodleUserId: r.userId, action: 'held', reason: `${r.reason}; removal held for approval` }, now)));
  }
  if (removals === 'apply') {
    result.removed = await removeMembers(p.platform, p.removals, ctx, result.errors, (r) => r.reason);
    for (const d of p.deletes) {
      try {
        await ctx.api.deleteCohorts([d.cohortId]);
        result.deleted++;
        await ctx.journal([entry({ cohortIdnumber: d.idnumber, action: 'delete', reason: d.reason })]);
      } catch (e) {
        result.errors.push(`deleting ${d.idnumber}: ${describe(e)}`);
      }
    }
  }
  return result;
}

async function createCohorts(p: Plan, ctx: ApplyContext, result: ApplyResult, entry: (e: Omit<JournalEntry, 'runId' | 'platform' | 'at'>) => JournalEntry): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (p.creates.length === 0) return ids;
  const toCreate = (list: typeof p.creates) => list.map((c) => ({ categorytype: ctx.categorytype, name: c.name, idnumber: c.idnumber, description: `Cohorte synchronisée par cohortbot (étape ${c.etape}).` }));
  const record = async (created: Array<{ id: number; idnumber: string }>) => {
    for (const c of created) ids.set(c.idnumber, c.id);
    result.created += created.length;
    await ctx.journal(created.map((c) => entry({ cohortIdnumber: c.idnumber, action: 'create', reason: p.creates.find((x) => x.idnumber === c.idnumber)?.reason ?? '' })));
  };
  try {
    await record(await ctx.api.createCohorts(toCreate(p.creates)));
    return ids;
  } catch (e) {
    // One duplicate rolls a whole batch back: it may be ours from a reply lost in transit. Look again.
    if (!(e instanceof MoodleError)) throw e;
  }
  let existing: Map<string, number>;
  try {
    existing = new Map((await ctx.api.getCohorts()).map((c) => [c.idnumber, c.id]));
  } catch (e) {
    result.errors.push(`creating cohorts: ${describe(e)}`);
    return ids;
  }
  for (const c of p.creates) {
    const found = existing.get(c.idnumber);
    if (found !== undefined) {
      ids.set(c.idnumber, found);
      continue;
    }
    try {
      await record(await ctx.api.createCohorts(toCreate([c])));
    } catch (e) {
      result.errors.push(`creating ${c.idnumber}: ${describe(e)}`);
    }
  }
  return ids;
}

/**
 * Removes members in batches; a batch that fails (Moodle rolls it back whole) is retried one by one
 * so that one deleted account does not block the others.
 */
export async function removeMembers(platform: string, removals: MemberChange[], ctx: Omit<ApplyContext, 'categorytype'>, errors: string[], reasonOf: (r: MemberChange) => string): Promise<number> {
  let removed = 0;
  let done = 0;
  const valid = removals.filter((r): r is MemberChange & { cohortId: number } => r.cohortId !== undefined);
  const journalOf = (rs: MemberChange[], at = ctx.now().toISOString()): JournalEntry[] =>
    rs.map((r) => ({ runId: ctx.runId, platform, at, cohortIdnumber: r.cohortIdnumber, studentKey: r.key, moodleUserId: r.userId, action: 'remove', reason: reasonOf(r) }));
  await forEachBatch(ctx.api, valid, (b) => ({ members: b.map((r) => ({ cohortid: r.cohortId, userid: r.userId })) }), async (batch) => {
    try {
      await ctx.api.deleteCohortMembers(batch.map((r) => ({ cohortid: r.cohortId, userid: r.userId })));
      removed += batch.length;
      await ctx.journal(journalOf(batch));
    } catch (e) {
      if (batch.length === 1) {
        errors.push(`removing user ${batch[0]!.userId} from ${batch[0]!.cohortIdnumber}: ${describe(e)}`);
      } else {
        for (const r of batch) {
          try {
            await ctx.api.deleteCohortMembers([{ cohortid: r.cohortId, userid: r.userId }]);
            removed++;
            await ctx.journal(journalOf([r]));
          } catch (e2) {
            errors.push(`removing user ${r.userId} from ${r.cohortIdnumber}: ${describe(e2)}`);
          }
        }
      }
    }
    ctx.onProgress?.({ platform, phase: 'remove', done: (done += batch.length), total: valid.length });
  });
  return removed;
}

/** Splits items into max_input_vars batches and runs `fn` on each; the client caps concurrency. */
async function forEachBatch<T>(api: MoodleApi, items: T[], build: (batch: T[]) => WsParams, fn: (batch: T[]) => Promise<void>): Promise<void> {
  const batches = api.client.batches(items, build);
  await Promise.all(batches.map((b) => fn(b)));
}
