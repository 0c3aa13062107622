/**
 * One sync run, top to bottom: read the directory once and, at the same time, each platform's
 * actual state → plan → guard (before any write) → apply → record — inside the one life cycle of
 * `RunLife.withRecordedRun` (run-life.ts: lease, record, fence, retention). Also scoped runs (one
 * student, one cohort) and the approval or rejection of held removals, through the same life cycle.
 */
import type { Config } from '../config';
import { Roster } from '../directory';
import type { DirectoryRead, DirectorySource } from '../directory/types';
import { YearWindow, yearWindow } from '../domain/academic-year';
import { CohortNaming } from '../domain/cohorts';
import type { GuardReason, JournalReason } from '../domain/codes';
import { closest } from '../util/closest';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import type { CategoryType, MoodleApi } from '../moodle/api';
import { callScope } from '../moodle/client';
import { asBackground } from '../moodle/scheduler';
import type { HeldPlan, HeldRemoval, PlatformRunSummary, RunStatus, Store } from '../store/types';
import { CohortState, KnownKeys, checkAddedAccounts, readCohortState, resolveAccounts, writesVia } from './actual';
import { memberWriter } from './member-writer';
import { applyPlan } from './apply';
import { DesiredBuilder, desiredMemberCount, desiredStates } from './desired';
import { GuardDecision, guard } from './guard';
import { LeaseLostError, RunInProgressError } from './lease';
import { plan } from './plan';
import type { RunJournal } from './run-journal';
import { RunLife, RunResult, setReasons } from './run-life';
import { DesiredState, Plan, emptyPlan } from './types';

export { LeaseLostError, RunInProgressError };

/** The caller named something that does not exist or is not valid: its code and parameters let a chat say it in the asker's language. */
export type SyncRequestProblem =
  | { code: 'unknownPlatform'; platform: string; configured: string[] }
  | { code: 'badCohort'; cohort: string }
  | { code: 'unknownCohort'; cohort: string; near?: string }
  | { code: 'unknownStudent'; student: string }
  | { code: 'ambiguousStudent'; student: string; matches: number }
  /** Approving or rejecting held removals. */
  | { code: 'noHeldRemovals'; run: string }
  | { code: 'heldAlreadyDecided'; run: string; status: string; by?: string }
  | { code: 'approvalNeedsCompleteRead'; detail: string }
  /** The run failed: why, as the guard's code. */
  | { code: 'runFailed'; reason: GuardReason };

export class SyncRequestError extends Error {
  constructor(
    message: string,
    readonly problem?: SyncRequestProblem,
    /** The run failed: why, as the guard's code (a reader words it, src/i18n). */
    readonly reason?: GuardReason,
  ) {
    super(message);
  }
}

export interface RunOptions {
  dryRun?: boolean;
  platform?: string;
  /** A student key, student number or e-mail: the run is scoped to that student. */
  user?: string;
  /** An étape code: the run is scoped to that cohort. */
  cohort?: string;
  year?: number;
  /** A dry run only: plan as on that day (the academic-year switch, the grace period) — a preview of the rollover. */
  on?: Date;
  trigger?: string;
}

export type { RunResult };

export interface EngineDeps {
  config: Config;
  directory: DirectorySource;
  apis: Map<string, MoodleApi>;
  store: Store;
  logger?: Logger;
  now?: () => Date;
  onProgress?: (p: { platform: string; phase: string; done: number; total: number }) => void;
}

export class SyncEngine {
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly life: RunLife;

  constructor(private readonly deps: EngineDeps) {
    this.log = deps.logger ?? silentLogger;
    this.now = deps.now ?? (() => new Date());
    this.life = new RunLife({ store: deps.store, config: deps.config, log: this.log, now: this.now });
  }

  /** Who this engine is when it holds the run lease (host:pid:random). */
  get holder(): string {
    return this.life.holder;
  }

  private get naming(): CohortNaming {
    return { prefix: this.deps.config.cohorts.idnumberPrefix, template: this.deps.config.cohorts.nameTemplate };
  }

  private categorytype(platform: string): CategoryType {
    const cat = this.deps.config.platforms.find((p) => p.name === platform)?.cohortCategory;
    return cat ? { type: 'idnumber', value: cat } : { type: 'system', value: '' };
  }

  /** A sync run (all platforms, or scoped): read → check the target → plan → guard → apply, as one recorded run. */
  async run(opts: RunOptions = {}): Promise<RunResult> {
    const configured = this.deps.config.platforms.map((p) => p.name);
    const platforms = this.deps.config.platforms.filter((p) => !opts.platform || p.name === opts.platform);
    if (platforms.length === 0) throw new SyncRequestError(`unknown platform ${opts.platform}; configured: ${configured.join(', ')}`, { code: 'unknownPlatform', platform: opts.platform ?? '', configured });
    const cohort = opts.cohort?.trim().toUpperCase().replace(new RegExp(`^${escapeRe(this.naming.prefix.toUpperCase())}`), '');
    if (cohort !== undefined && !/^[A-Z0-9]{1,8}$/.test(cohort)) throw new SyncRequestError(`--cohort ${JSON.stringify(opts.cohort)}: expected an étape code such as L2PHA1`, { code: 'badCohort', cohort: opts.cohort ?? '' });
    const target = { ...opts, cohort };
    const scope = opts.user ? `user:${opts.user}` : cohort ? `cohort:${cohort}` : opts.platform ? `platform:${opts.platform}` : 'all';
    // A run asked from the chat (an admin's "synchroniser tout") is the night's kind of work: its calls
    // queue as the sync's (moodle/scheduler.ts), not ahead of everyone's questions. One student's run
    // is a handful of calls someone waits for: it keeps the command's place.
    const asRun = opts.user ? <T>(work: () => T) => work() : asBackground;
    return asRun(() => this.life.withRecordedRun(
      { trigger: opts.trigger ?? 'cli', scope, platforms: platforms.map((p) => p.name), dryRun: opts.dryRun },
      // Read-only work first, both sides at once: Moodle's cohorts and members need nothing from the
      // directory. An unknown student or cohort is the caller's error, not a run: nothing is recorded.
      async () => {
        const reads = await this.read(target, platforms);
        await this.checkTarget(target, reads, platforms);
        return reads;
      },
      (run, reads, journal) => this.execute(run, platforms, target, reads, journal),
    ));
  }

  /**
   * The directory (whole, or one student) and, at the same time, each platform's managed cohorts with
   * their members. A platform that cannot be read is an error of that platform, not of the run.
   */
  private async read(opts: RunOptions, platforms: Config['platforms']): Promise<Reads> {
    const memberKeys = !opts.user;
    const began = Date.now();
    const cohorts = new Map(
      platforms.map((p) => [
        p.name,
        readCohortState(this.api(p.name), { naming: this.naming, field: this.deps.config.userMatch.moodleField, memberKeys, fingerprints: !opts.user, knownKeys: this.knownKeys(p.name) }).then(
          (state) => {
            this.writes.set(p.name, state.writes);
            this.log.info({ platform: p.name, cohorts: state.cohorts.length, via: state.via, ms: Date.now() - began }, 'cohorts and members read');
            return state;
          },
          (err: Error) => err,
        ),
      ]),
    );
    // Let the requests just made leave before a file source parses (it gives turns back while it does).
    await new Promise<void>((resolve) => setImmediate(resolve));
    const window = this.windowOf(opts);
    const dir = await this.readDirectory(opts, platforms, window);
    const states = new Map<string, CohortState | Error>();
    for (const [name, state] of cohorts) states.set(name, await state);
    return { ...dir, window, states };
  }

  /**
   * A scoped run must name something that exists: a student the directory or a Moodle platform knows
   * (one who left the directory but still has an account is known: the run removes them), or an étape
   * the directory lists or a managed cohort some platform has. Otherwise: an error, with the closest
   * étape code when there is one — never a student's identifier.
   */
  private async checkTarget(opts: RunOptions, reads: Reads, platforms: Config['platforms']): Promise<void> {
    const { read, onlyKey, states } = reads;
    if (opts.user && read.complete && read.roster.size === 0) {
      const field = this.deps.config.userMatch.moodleField;
      const accounts = await Promise.all(
        platforms.map((p) => {
          const state = states.get(p.name);
          if (state && !(state instanceof Error) && state.accounts.has(onlyKey!)) return 1;
          return this.api(p.name).getUsersByField(field, [onlyKey!]).then((u) => u.length, () => 1);
        }),
      );
      if (accounts.every((n) => n === 0)) throw new SyncRequestError(`unknown student "${opts.user}": not in the directory and no Moodle account on ${platforms.map((p) => p.name).join(', ')}; give the username, student number or e-mail`, { code: 'unknownStudent', student: opts.user });
    }
    const known = () => new Set([...Object.keys(read.etapes), ...read.roster.etapeCodes]);
    if (opts.cohort && read.complete && !known().has(opts.cohort)) {
      const managed = [...states.values()].flatMap((st) => (st instanceof Error ? [] : st.cohorts.map((c) => c.idnumber.slice(this.naming.prefix.length))));
      if (!managed.includes(opts.cohort)) {
        const near = closest(opts.cohort, new Set([...known(), ...managed]));
        throw new SyncRequestError(`unknown cohort ${opts.cohort}: no such étape in the directory nor managed cohort on ${platforms.map((p) => p.name).join(', ')}${near ? `; did you mean ${near}?` : ''}`, { code: 'unknownCohort', cohort: opts.cohort, near });
      }
    }
  }

  /** One run, read top to bottom: plan (a value), then — unless aborted or dry — apply it and record the outcome. */
  private async execute(run: RunResult, platforms: Config['platforms'], opts: RunOptions, reads: Reads, journal: RunJournal): Promise<void> {
    const planned = await this.plan(run, platforms, opts, reads);
    if (planned.decision.action === 'abort') {
      run.status = 'aborted';
      run.platforms = platforms.map((p) => planned.summaries.get(p.name)!);
      return;
    }
    if (opts.dryRun) {
      // A dry run reads Moodle as a real one does: its reads are counted too.
      this.countCalls(planned);
      run.status = 'dry-run';
      run.plans = planned.plans;
      run.platforms = platforms.map((p) => plannedSummary(planned.summaries.get(p.name)!, planned.plans.find((x) => x.platform === p.name), planned.decision));
      return;
    }
    const held = await this.apply(run, planned, journal);
    run.platforms = platforms.map((p) => planned.summaries.get(p.name)!);
    if (held.length > 0) {
      await this.deps.store.saveHeldPlan({ runId: run.runId, createdAt: this.now().toISOString(), status: 'held', removals: held, reasonCodes: planned.decision.reasons });
    }
    run.status = outcome(run.platforms, held.length > 0);
    if (!opts.user && !opts.cohort) await this.supersedeOlderHeld(run.runId, platforms.map((p) => p.name));
  }

  /**
   * The plan of a run, a value: per platform the changes with their reasons (desired state of the
   * directory against Moodle's), and the guard's decision about them. Reads only.
   */
  private async plan(run: RunResult, platforms: Config['platforms'], opts: RunOptions, reads: Reads): Promise<RunPlan> {
    const { read, onlyKey, states, window } = reads;
    run.directoryStudents = reads.desired.countedStudents;
    run.directoryComplete = read.complete;
    // A one-student scope names the student: only at debug.
    this.log.info({ runId: run.runId, scope: run.scope.startsWith('user:') ? 'user' : run.scope, students: run.directoryStudents, complete: read.complete, ms: read.durationMs }, 'directory read');
    this.log.debug({ runId: run.runId, scope: run.scope }, 'run scope');

    const desired = reads.desired.states(read);
    const plans: Plan[] = [];
    const summaries = new Map<string, PlatformRunSummary>();
    await Promise.all(
      platforms.map(async (p) => {
        const summary = emptySummary(p.name);
        summaries.set(p.name, summary);
        try {
          const want = desired.get(p.name)!;
          const state = states.get(p.name)!;
          if (state instanceof Error) throw state;
          const began = Date.now();
          const actual = await resolveAccounts(this.api(p.name), state, { field: this.deps.config.userMatch.moodleField, keys: desiredKeys(want), onlyKey, desired: onlyKey === undefined ? want : undefined, lastPending: () => this.deps.store.pendingPairs(p.name) });
          const resolved = Date.now();
          const planOpts = { naming: this.naming, onlyKey, onlyEtape: opts.cohort, year: window.current, deleteUnusedEmpty: false };
          let p0 = plan(want, actual, planOpts);
          // Core path: an add of an account known from the store only is checked with Moodle first; a
          // stale entry found means a new plan from what Moodle said (twice at most: each pass checks
          // every add left unchecked, and a checked account is never unchecked again).
          for (let pass = 0; pass < 2 && (await checkAddedAccounts(this.api(p.name), state, p0)); pass++) p0 = plan(want, actual, planOpts);
          this.log.info({ platform: p.name, accountsMs: resolved - began, planMs: Date.now() - resolved, adds: p0.adds.length, removals: p0.removals.length, pending: p0.pending.length }, 'planned');
          // An incomplete read may lack the labels of some étapes: it creates and adds, never renames.
          plans.push(read.complete ? p0 : { ...p0, renames: [] });
        } catch (err) {
          summary.errors.push(`reading ${p.name}: ${(err as Error).message}`);
        }
      }),
    );
    plans.sort((a, b) => a.platform.localeCompare(b.platform));

    const lastGood = run.scope === 'all' ? await this.deps.store.lastGoodRun() : undefined;
    const decision = guard(plans, {
      complete: read.complete,
      incompleteReason: read.incompleteReason,
      warnings: read.warnings,
      students: run.directoryStudents,
      desiredMembers: desiredMemberCount(desired.values()),
      lastGoodStudents: lastGood?.directoryStudents,
      scoped: run.scope.startsWith('user:') || run.scope.startsWith('cohort:'),
    }, this.deps.config.guard);
    setReasons(run, decision.reasons);
    for (const r of decision.reasons) this.log.warn({ runId: run.runId, reason: r }, `guard: ${r.code}`);
    return { plans, decision, summaries };
  }

  /** Applies a plan as its decision says (removals applied, skipped or held); returns the held removals. */
  private async apply(run: RunResult, planned: RunPlan, journal: RunJournal): Promise<HeldRemoval[]> {
    const { plans, decision, summaries } = planned;
    if (decision.action === 'abort') return [];
    const held: HeldRemoval[] = [];
    await Promise.all(
      plans.map(async (pl) => {
        const summary = summaries.get(pl.platform)!;
        const mode = decision.removals;
        let writes: 'plugin' | 'core';
        try {
          writes = await this.writesVia(pl.platform);
        } catch (err) {
          summary.errors.push(`reading ${pl.platform}: ${(err as Error).message}`);
          return;
        }
        let result: Awaited<ReturnType<typeof applyPlan>>;
        try {
          result = await applyPlan(pl, mode, {
            api: this.api(pl.platform),
            writer: memberWriter(this.api(pl.platform), writes),
            categorytype: this.categorytype(pl.platform),
            runId: run.runId,
            now: this.now,
            journal: journal.write,
            newlyPending: async (pending) => {
              const latest = await this.deps.store.latestActions(pl.platform, pending.map((x) => ({ cohortIdnumber: x.cohortIdnumber, studentKey: x.key })));
              return pending.filter((_x, i) => latest[i] !== 'pending');
            },
            onProgress: this.deps.onProgress,
          });
        } catch (err) {
          // The store failing under the pending accounts' look-up, say: this platform's error, not the run's end.
          summary.errors.push(`${pl.platform}: ${(err as Error).message}`);
          return;
        }
        // A change Moodle refused may come of a stale learnt key: the next run asks Moodle for every key again.
        if (result.errors.length > 0) await this.deps.store.dropMoodleKeys(pl.platform).catch(() => undefined);
        if (journal.failedOn.has(pl.platform)) summary.errors.push(`journal: ${journal.failure!.message}; the rows of changes already made are written when the store is back`);
        summary.cohortsCreated = result.created;
        summary.cohortsRenamed = result.renamed;
        summary.membersAdded = result.added;
        summary.membersRemoved = result.removed;
        summary.pendingAccounts = pl.pending.length;
        summary.removalsHeld = mode === 'hold' ? pl.removals.length : 0;
        summary.removalsSkipped = mode === 'skip' ? pl.removals.length : 0;
        summary.errors.push(...result.errors);
        if (mode === 'hold') held.push(...pl.removals.map((r) => ({ platform: pl.platform, cohortId: r.cohortId!, cohortIdnumber: r.cohortIdnumber, userId: r.userId, key: r.key, reason: r.reason })));
      }),
    );
    this.countCalls(planned);
    return held;
  }

  /** This run's own calls (counted in its async context), into its summaries. */
  private countCalls(planned: RunPlan): void {
    const calls = callScope.getStore()?.calls;
    for (const [name, s] of planned.summaries) {
      s.writeCalls = calls?.get(name)?.writes ?? 0;
      s.readCalls = calls?.get(name)?.reads ?? 0;
    }
  }

  /** The years a run adds and keeps: today's (or a dry run's `on` date), or the year asked for. */
  private windowOf(opts: RunOptions): YearWindow {
    return yearWindow((opts.dryRun && opts.on) || this.now(), { ...this.deps.config.academicYear, year: opts.year ?? this.deps.config.academicYear.year });
  }

  /** The whole directory, or one student through the source's escaped lookup. */
  private async readDirectory(opts: RunOptions, platforms: Config['platforms'], window: YearWindow): Promise<{ read: DirectoryRead; onlyKey?: string; desired: DesiredBuilder }> {
    if (!opts.user) {
      // The desired state folds each student as the read brings them (the directory is still
      // sending meanwhile); a source that answers with another roster has it built after.
      const desired = new DesiredBuilder(window, platforms);
      const roster = new Roster(desired.added);
      const read = await this.deps.directory.read(roster);
      return { read, desired: read.roster === roster ? desired : DesiredBuilder.over(read.roster, window, platforms) };
    }
    const started = Date.now();
    const found = await this.deps.directory.lookup(opts.user);
    if (found.matches > 1) throw new SyncRequestError(`${opts.user} matches ${found.matches} directory entries; give the exact username or student number`, { code: 'ambiguousStudent', student: opts.user, matches: found.matches });
    const field = this.deps.config.userMatch.moodleField;
    const onlyKey = found.student?.key ?? (field === 'idnumber' ? opts.user.trim() : opts.user.trim().toLowerCase());
    const roster = Roster.from(found.student ? [found.student] : []);
    return {
      onlyKey,
      desired: DesiredBuilder.over(roster, window, platforms),
      read: {
        source: `${this.deps.directory.describe()} (lookup)`,
        entries: found.matches,
        roster,
        skipped: found.skipped,
        complete: found.complete,
        incompleteReason: found.incompleteReason,
        warnings: [],
        etapes: {},
        durationMs: Date.now() - started,
      },
    };
  }

  /** The store's learnt account keys of a platform, for the core path (actual.ts). */
  private knownKeys(platform: string): KnownKeys {
    const { store, config } = this.deps;
    const field = config.userMatch.moodleField;
    return {
      // A cache: the store failing here costs Moodle calls, never the run.
      load: () => store.moodleKeys(platform, field).then((rows) => new Map(rows.map((k) => [k.userId, { key: k.key, checkedAt: Date.parse(k.checkedAt) }])), () => new Map()),
      save: (entries) => store.saveMoodleKeys(platform, field, entries, this.now().toISOString()).catch(() => undefined),
      drop: (ids) => store.dropMoodleKeys(platform, ids).then(() => undefined, () => undefined),
      maxAgeMs: config.fullCheckDays * 86_400_000,
      now: () => this.now().getTime(),
    };
  }

  /** How each platform takes membership changes, as its last read said (or as its site info says). */
  private readonly writes = new Map<string, 'plugin' | 'core'>();
  private async writesVia(platform: string): Promise<'plugin' | 'core'> {
    let w = this.writes.get(platform);
    if (!w) this.writes.set(platform, (w = writesVia(await this.api(platform).functionNames())));
    return w;
  }

  private api(name: string): MoodleApi {
    const api = this.deps.apis.get(name);
    if (!api) throw new Error(`no Moodle client for platform ${name}`);
    return api;
  }

  /**
   * Approval of held removals, through the same pieces as every run: a fresh directory read, the
   * desired state of desired.ts, the same removal applier, the same life cycle. Only removals still
   * not wanted are applied (the held plan re-planned). The applied run and the decision are recorded
   * in one transaction; an approval that fails (directory incomplete, Moodle errors) is recorded as
   * such and leaves the plan held, so a later approval completes it. `channel`: where the approval
   * came from, for the one audit entry.
   */
  async approve(runId: string, actor: string, channel = 'cli'): Promise<RunResult> {
    const held = await this.heldPlan(runId);
    const platforms = [...new Set(held.removals.map((r) => r.platform))];
    let decided = false;
    const run = await this.life.withRecordedRun(
      {
        trigger: `approve by ${actor}`,
        scope: `approve:${runId}`,
        platforms,
        save: async (r) => {
          if (!decided) {
            // The run and the decision together: never an applied approval whose plan still says held.
            if (r.status !== 'applied') await this.deps.store.saveRun(r);
            else if (!(await this.deps.store.recordApproval(r, runId, actor, r.finishedAt!))) throw new SyncRequestError(`the removals of run ${runId} were decided meanwhile`, { code: 'heldAlreadyDecided', run: runId, status: 'decided' });
            decided = true;
          }
          const removed = r.platforms.reduce((n, p) => n + p.membersRemoved, 0);
          await this.deps.store.audit({ at: r.startedAt, actor, channel, command: 'approve', target: runId, outcome: r.status, detail: `${removed} removed` });
        },
      },
      async () => undefined,
      async (run, _none, journal) => {
        const planned = await this.replanHeld(held, actor);
        await this.apply(run, planned, journal);
        run.platforms = platforms.map((p) => planned.summaries.get(p)!);
        run.status = outcome(run.platforms, false);
      },
    );
    const failure = run.guardReasons?.find((g) => g.code === 'runFailed' || g.code === 'storeUnavailable');
    if (run.status === 'failed' && failure) throw new SyncRequestError(failureMessage(failure), { code: 'runFailed', reason: failure }, failure);
    return run;
  }

  /** A held plan re-planned against a fresh, complete directory read: its removals still not wanted, nothing else. */
  private async replanHeld(held: HeldPlan, actor: string): Promise<RunPlan> {
    const platforms = [...new Set(held.removals.map((r) => r.platform))];
    const read = await this.deps.directory.read();
    if (!read.complete) throw new SyncRequestError(`cannot approve now: the directory read is incomplete (${read.incompleteReason}); try again later`, { code: 'approvalNeedsCompleteRead', detail: read.incompleteReason ?? '' });
    const window = yearWindow(this.now(), this.deps.config.academicYear);
    const desired = desiredStates(read, window, this.deps.config.platforms.filter((p) => platforms.includes(p.name)));
    const stillWanted = (r: HeldRemoval) => {
      const cohort = desired.get(r.platform)?.cohorts.get(r.cohortIdnumber.slice(this.naming.prefix.length));
      const i = r.key === undefined ? undefined : read.roster.indexOf(r.key);
      return i !== undefined && cohort !== undefined && (cohort.members.has(i) || cohort.keepOnly.has(i));
    };
    const planned: RunPlan = { plans: [], decision: { action: 'apply', removals: 'apply', reasons: [] }, summaries: new Map() };
    for (const platform of platforms) {
      const removals = held.removals.filter((r) => r.platform === platform);
      const todo = removals.filter((r) => !stillWanted(r));
      planned.plans.push({ ...emptyPlan(platform), removals: todo.map((r) => ({ ...r, etape: r.cohortIdnumber.slice(this.naming.prefix.length), reason: approvedReason(r.reason, held.runId, actor) })) });
      planned.summaries.set(platform, { ...emptySummary(platform), removalsSkipped: removals.length - todo.length });
    }
    return planned;
  }

  /** The held plan of a run, still to decide; otherwise the caller's error. */
  private async heldPlan(runId: string): Promise<HeldPlan> {
    const held = await this.deps.store.getHeldPlan(runId);
    if (!held) throw new SyncRequestError(`no held removals for run ${runId}`, { code: 'noHeldRemovals', run: runId });
    if (held.status !== 'held') throw new SyncRequestError(`the removals of run ${runId} were already ${held.status}${held.decidedBy ? ` by ${held.decidedBy}` : ''}`, { code: 'heldAlreadyDecided', run: runId, status: held.status, by: held.decidedBy });
    return held;
  }

  /**
   * This run re-planned these platforms from the current state: an older held plan about them is no
   * longer the truth (its removals are held again here if still wanted, or were no longer wanted).
   */
  private async supersedeOlderHeld(runId: string, platforms: string[]): Promise<void> {
    for (const h of await this.deps.store.heldPlans()) {
      if (h.runId === runId || !h.removals.every((r) => platforms.includes(r.platform))) continue;
      await this.deps.store.decideHeldPlan(h.runId, 'superseded', runId, this.now().toISOString());
    }
  }

  /**
   * Rejection of held removals: nothing is written to Moodle, but it holds the run lease like any run
   * (an approval of the same plan cannot be under way) and is recorded by its decision and its audit
   * entry, through the same life cycle.
   */
  async reject(runId: string, actor: string, channel = 'cli'): Promise<{ runId: string; status: 'rejected'; removals: number }> {
    const held = await this.heldPlan(runId);
    const save = async () => {
      const at = this.now().toISOString();
      if (!(await this.deps.store.decideHeldPlan(runId, 'rejected', actor, at))) {
        const now = await this.deps.store.getHeldPlan(runId);
        throw new SyncRequestError(`the removals of run ${runId} were already ${now?.status ?? 'decided'}${now?.decidedBy ? ` by ${now.decidedBy}` : ''}`, { code: 'heldAlreadyDecided', run: runId, status: now?.status ?? 'decided', by: now?.decidedBy });
      }
      await this.deps.store.audit({ at, actor, channel, command: 'reject', target: runId, outcome: 'ok', detail: `${held.removals.length} removals dropped` });
    };
    const run = await this.life.withRecordedRun({ trigger: `reject by ${actor}`, scope: `reject:${runId}`, platforms: [], row: false, save }, async () => undefined, async () => undefined);
    const failure = run.guardReasons?.find((g) => g.code === 'storeUnavailable');
    if (failure) throw new SyncRequestError(failureMessage(failure), { code: 'runFailed', reason: failure }, failure);
    return { runId, status: 'rejected', removals: held.removals.length };
  }
}

/** What a run read before planning: the directory (or one student), and each platform's cohorts or why they could not be read. */
interface Reads {
  read: DirectoryRead;
  onlyKey?: string;
  /** The years the run adds and keeps, fixed when it reads. */
  window: YearWindow;
  /** The desired state of the read: built during a full read when the source filled the roster it was given. */
  desired: DesiredBuilder;
  states: Map<string, CohortState | Error>;
}

/** The keys of every student a platform wants as a member (or keeps), each once. */
function* desiredKeys(want: DesiredState): Generator<string> {
  const seen = new Set<number>();
  for (const c of want.cohorts.values()) {
    for (const ids of [c.members.keys(), c.keepOnly.values()]) {
      for (const i of ids) {
        if (seen.has(i)) continue;
        seen.add(i);
        yield want.roster.key(i);
      }
    }
  }
}

/** A plan of a run, as a value: what each platform would change, and the guard's decision. */
export interface RunPlan {
  plans: Plan[];
  decision: GuardDecision;
  summaries: Map<string, PlatformRunSummary>;
}

/** How a run ended: errors outrank everything, so monitoring built on the exit code learns of an outage. */
function outcome(platforms: PlatformRunSummary[], held: boolean): RunStatus {
  const failed = platforms.filter((p) => p.errors.length > 0).length;
  if (failed > 0) return failed === platforms.length ? 'failed' : 'partial';
  return held ? 'held' : 'applied';
}

function emptySummary(name: string): PlatformRunSummary {
  return { name, cohortsCreated: 0, cohortsRenamed: 0, membersAdded: 0, membersRemoved: 0, removalsHeld: 0, removalsSkipped: 0, pendingAccounts: 0, writeCalls: 0, readCalls: 0, errors: [] };
}

/** A dry run reports what it would do. */
function plannedSummary(s: PlatformRunSummary, p: Plan | undefined, decision: GuardDecision): PlatformRunSummary {
  if (!p || decision.action !== 'apply') return s;
  return {
    ...s,
    cohortsCreated: p.creates.length,
    cohortsRenamed: p.renames.length,
    membersAdded: p.adds.length,
    membersRemoved: decision.removals === 'apply' ? p.removals.length : 0,
    removalsHeld: decision.removals === 'hold' ? p.removals.length : 0,
    removalsSkipped: decision.removals === 'skip' ? p.removals.length : 0,
    pendingAccounts: p.pending.length,
  };
}

/** A failure's log line: its code and its source's own technical words. */
const failureMessage = (r: GuardReason): string => `${r.code}${'detail' in r ? `: ${r.detail}` : ''}`;

/** A held removal's reason, now applied on an admin's approval. */
function approvedReason(r: JournalReason, heldIn: string, by: string): JournalReason {
  return r.code === 'noInscription' || r.code === 'notStudent' || r.code === 'etapeGone' ? { ...r, heldIn, by } : r;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
