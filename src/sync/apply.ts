/**
 * Applies a plan to one platform: creates → renames → adds → removals, in batches under the site's
 * max_input_vars, through the client's concurrency cap. Idempotent: every step tolerates work that
 * an interrupted earlier run already did, so the next run converges. The journal is written after
 * each successful call, so it never holds a change that did not happen.
 */
import type { CategoryType, MoodleApi } from '../moodle/api';
import { MoodleError } from '../moodle/errors';
import { syncSlots } from '../moodle/scheduler';
import type { JournalEntry } from '../store/types';
import type { MemberWriter, Outcome } from './member-writer';
import type { MemberChange, Plan } from './types';

export interface ApplyContext {
  api: MoodleApi;
  categorytype: CategoryType;
  runId: string;
  now: () => Date;
  journal: (entries: JournalEntry[]) => Promise<void>;
  /** How this platform takes membership changes (local_cohortbot's bulk functions, or core's). */
  writer: MemberWriter;
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

/** A journal row of this run and platform (one time stamp per call's batch: a first sync journals a hundred thousand rows). */
type JournalOf = (e: Omit<JournalEntry, 'runId' | 'platform' | 'at'>, at?: string) => JournalEntry;

const describe = (e: unknown): string => (e instanceof MoodleError ? `${e.function}: ${e.errorcode ?? e.kind}: ${e.message.split(': ').slice(2).join(': ') || e.message}` : (e as Error).message);

export async function applyPlan(p: Plan, removals: 'apply' | 'skip' | 'hold', ctx: ApplyContext): Promise<ApplyResult> {
  const result: ApplyResult = { created: 0, renamed: 0, added: 0, removed: 0, deleted: 0, errors: [] };
  const entry: JournalOf = (e, at = ctx.now().toISOString()) => ({ runId: ctx.runId, platform: p.platform, at, cohortIdnumber: e.cohortIdnumber, studentKey: e.studentKey, moodleUserId: e.moodleUserId, action: e.action, reason: e.reason });

  const ids = await createCohorts(p, ctx, result, entry);

  if (p.renames.length > 0) {
    try {
      await ctx.api.updateCohorts(p.renames.map((r) => ({ id: r.cohortId, categorytype: ctx.categorytype, name: r.to, idnumber: r.idnumber })));
      result.renamed = p.renames.length;
      await ctx.journal(p.renames.map((r) => entry({ cohortIdnumber: r.idnumber, action: 'rename', reason: r.reason })));
    } catch (e) {
      result.errors.push(`renaming cohorts: ${describe(e)}`);
    }
  }

  // Adds: the plan's own changes (no copies: a first sync has a hundred thousand), with the ids of new cohorts looked up.
  const cohortOf = (a: MemberChange): number => a.cohortId ?? ids.get(a.cohortIdnumber)!;
  const adds: MemberChange[] = [];
  const missing = new Map<string, number>();
  for (const a of p.adds) {
    if (a.cohortId === undefined && !ids.has(a.cohortIdnumber)) missing.set(a.cohortIdnumber, (missing.get(a.cohortIdnumber) ?? 0) + 1);
    else adds.push(a);
  }
  for (const [idnumber, n] of missing) result.errors.push(`cohort ${idnumber} could not be created: ${n} member(s) not added`);
  result.added = await changeMembers('add', adds, cohortOf, ctx, result.errors, entry);

  const now = ctx.now().toISOString();
  const pending = p.pending.length > 0 && ctx.newlyPending ? await ctx.newlyPending(p.pending) : p.pending;
  if (pending.length > 0) {
    await ctx.journal(pending.map((x) => entry({ cohortIdnumber: x.cohortIdnumber, studentKey: x.key, action: 'pending', reason: x.reason }, now)));
  }

  if (removals === 'hold') {
    await ctx.journal(p.removals.map((r) => entry({ cohortIdnumber: r.cohortIdnumber, studentKey: r.key, moodleUserId: r.userId, action: 'held', reason: r.reason }, now)));
  }
  if (removals === 'apply') {
    const valid = p.removals.filter((r) => r.cohortId !== undefined);
    result.removed = await changeMembers('remove', valid, (r) => r.cohortId!, ctx, result.errors, entry);
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

async function createCohorts(p: Plan, ctx: ApplyContext, result: ApplyResult, entry: JournalOf): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (p.creates.length === 0) return ids;
  const toCreate = (list: typeof p.creates) => list.map((c) => ({ categorytype: ctx.categorytype, name: c.name, idnumber: c.idnumber, description: `Cohorte synchronisée par cohortbot (étape ${c.etape}).` }));
  const record = async (created: Array<{ id: number; idnumber: string }>) => {
    for (const c of created) ids.set(c.idnumber, c.id);
    result.created += created.length;
    await ctx.journal(created.map((c) => entry({ cohortIdnumber: c.idnumber, action: 'create', reason: p.creates.find((x) => x.idnumber === c.idnumber)?.reason ?? { code: 'etapeHasStudents', etape: c.idnumber, students: 0 } })));
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

/** Members a call should carry at least before the work is spread over the site's workers. */
const SPREAD_MIN = 250;

/**
 * Adds or removes members in batches through the platform's writer, journals what was done after each
 * call, and counts it; a member already so is neither counted nor an error, a gone one is an error.
 * On core, a removal batch that fails (Moodle rolls it back whole) is retried one by one so that one
 * deleted account does not block the others.
 */
async function changeMembers(verb: 'add' | 'remove', changes: MemberChange[], cohortOf: (c: MemberChange) => number, ctx: ApplyContext, errors: string[], entry: JournalOf): Promise<number> {
  let changed = 0;
  let done = 0;
  const pair = (c: MemberChange) => ({ cohortId: cohortOf(c), userId: c.userId });
  const record = async (batch: MemberChange[], outcomes: Outcome[]) => {
    const at = ctx.now().toISOString();
    const journal: JournalEntry[] = [];
    batch.forEach((c, i) => {
      if (outcomes[i] === 'gone') errors.push(`${c.cohortIdnumber}: user ${c.userId} or the cohort no longer exists`);
      else if (outcomes[i] === 'done') {
        changed++;
        journal.push(entry({ cohortIdnumber: c.cohortIdnumber, studentKey: c.key, moodleUserId: c.userId, action: verb, reason: c.reason }, at));
      }
    });
    await ctx.journal(journal);
  };
  const batches = ctx.api.client.batches(changes, (b) => ctx.writer.params(verb, b.map(pair)), SPREAD_MIN);
  // As many batches under way as the sync has calls at once, plus one ready: a first sync's hundred
  // thousand members are not all turned into call parameters up front (they would outlive a young GC).
  let next = 0;
  const lanes = Math.min(batches.length, syncSlots(ctx.api.client.limiter.max) + 1);
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let b = next++; b < batches.length; b = next++) await changeBatch(batches[b]!);
    }),
  );
  return changed;

  async function changeBatch(batch: MemberChange[]): Promise<void> {
    try {
      await record(batch, await ctx.writer.write(verb, batch.map(pair)));
    } catch (e) {
      if (verb === 'add' || !ctx.writer.retryAlone || batch.length === 1) errors.push(`${verb === 'add' ? 'adding' : 'removing'} ${batch.length} member(s): ${describe(e)}`);
      else {
        for (const c of batch) {
          try {
            await record([c], await ctx.writer.write(verb, [pair(c)]));
          } catch (e2) {
            errors.push(`removing user ${c.userId} from ${c.cohortIdnumber}: ${describe(e2)}`);
          }
        }
      }
    }
    ctx.onProgress?.({ platform: ctx.api.platform, phase: verb, done: (done += batch.length), total: changes.length });
  }
}
