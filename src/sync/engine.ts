/**
 * One sync run, top to bottom: take the lease → read the directory once → for each platform read
 * the actual state and plan → guard (before any write) → apply → record. Also scoped runs (one
 * student, one cohort) and the approval or rejection of held removals.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { Config } from '../config';
import { Roster, countedStudents } from '../directory';
import type { DirectoryRead, DirectorySource } from '../directory/types';
import { yearWindow } from '../domain/academic-year';
import { CohortNaming } from '../domain/cohorts';
import { closest } from '../util/closest';
import type { Logger } from '../log';
import { silentLogger } from '../log';
import type { CategoryType, MoodleApi } from '../moodle/api';
import { callScope } from '../moodle/client';
import type { HeldRemoval, PlatformRunSummary, RunRecord, RunStatus, Store } from '../store/types';
import { CohortState, readCohortState, resolveAccounts, writesVia } from './actual';
import { memberWriter } from './member-writer';
import { applyPlan } from './apply';
import { desiredMemberCount, desiredStates } from './desired';
import { GuardDecision, GuardReason, guard } from './guard';
import { guardText } from './guard-text';
import { plan } from './plan';
import { DesiredState, Plan, emptyPlan } from './types';

export class RunInProgressError extends Error {
  constructor(readonly holder: string, readonly expiresAt: string) {
    super(`a sync run is already in progress (${holder}, lease until ${expiresAt}); try again when it has finished`);
  }
}

/** The caller named something that does not exist or is not valid: its code and parameters let a chat say it in the asker's language. */
export type SyncRequestProblem =
  | { code: 'unknownPlatform'; platform: string; configured: string[] }
  | { code: 'badCohort'; cohort: string }
  | { code: 'unknownCohort'; cohort: string; near?: string }
  | { code: 'unknownStudent'; student: string }
  | { code: 'ambiguousStudent'; student: string; matches: number };

/** This process no longer holds the run lease (another replica took it over): it must not write. */
export class LeaseLostError extends Error {
  constructor(holder: string) {
    super(`the run lease is no longer held by ${holder}: stopping before the next write`);
  }
}

export class SyncRequestError extends Error {
  constructor(
    message: string,
    readonly problem?: SyncRequestProblem,
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
  trigger?: string;
}

export interface RunResult extends RunRecord {
  plans?: Plan[];
}

export interface EngineDeps {
  config: Config;
  directory: DirectorySource;
  apis: Map<string, MoodleApi>;
  store: Store;
  logger?: Logger;
  now?: () => Date;
  onProgress?: (p: { platform: string; phase: string; done: number; total: number }) => void;
}

const LEASE = 'sync';

export class SyncEngine {
  private readonly log: Logger;
  private readonly now: () => Date;
  readonly holder = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;

  constructor(private readonly deps: EngineDeps) {
    this.log = deps.logger ?? silentLogger;
    this.now = deps.now ?? (() => new Date());
  }

  private get leaseTtlMs(): number {
    return this.deps.config.schedule.leaseTtlMs;
  }

  private get naming(): CohortNaming {
    return { prefix: this.deps.config.cohorts.idnumberPrefix, template: this.deps.config.cohorts.nameTemplate };
  }

  private categorytype(platform: string): CategoryType {
    const cat = this.deps.config.platforms.find((p) => p.name === platform)?.cohortCategory;
    return cat ? { type: 'idnumber', value: cat } : { type: 'system', value: '' };
  }

  async run(opts: RunOptions = {}): Promise<RunResult> {
    const platforms = this.deps.config.platforms.filter((p) => !opts.platform || p.name === opts.platform);
    if (platforms.length === 0) throw new SyncRequestError(`unknown platform ${opts.platform}; configured: ${this.deps.config.platforms.map((p) => p.name).join(', ')}`, { code: 'unknownPlatform', platform: opts.platform ?? '', configured: this.deps.config.platforms.map((p) => p.name) });
    const cohort = opts.cohort?.trim().toUpperCase().replace(new RegExp(`^${escapeRe(this.naming.prefix.toUpperCase())}`), '');
    if (cohort !== undefined && !/^[A-Z0-9]{1,8}$/.test(cohort)) throw new SyncRequestError(`--cohort ${JSON.stringify(opts.cohort)}: expected an étape code such as L2PHA1`, { code: 'badCohort', cohort: opts.cohort ?? '' });
    const scope = opts.user ? `user:${opts.user}` : cohort ? `cohort:${cohort}` : opts.platform ? `platform:${opts.platform}` : 'all';
    const started = this.now();
    if (!opts.dryRun) await this.takeLease();
    // Renewal keeps the lease from the start (reads of a big university take a while); a failed renewal
    // is logged (never an unhandled rejection), and every write is fenced: it renews the lease first
    // and stops if another process holds it.
    const renew = opts.dryRun
      ? undefined
      : setInterval(() => {
          this.deps.store.renewLease(LEASE, this.holder, this.now(), this.leaseTtlMs).then(
            (ok) => ok || this.log.warn('run lease lost: the next write stops this run'),
            (err: Error) => this.log.warn({ err: err.message }, 'renewing the run lease failed'),
          );
        }, this.leaseTtlMs / 4);
    const stopRenewing = () => renew && clearInterval(renew);
    // This run's own calls, counted in its async context (a chat command on the same clients is not).
    const counters = new Map(this.deps.config.platforms.map((p) => [p.name, { reads: 0, writes: 0 }]));
    let reads: Reads;
    try {
      // Read-only work first, both sides at once: Moodle's cohorts and members need nothing from the
      // directory. An unknown student or cohort is the caller's error, not a run: nothing is recorded.
      reads = await callScope.run(counters, () => this.read({ ...opts, cohort }, platforms));
      await callScope.run(counters, () => this.checkTarget({ ...opts, cohort }, reads, platforms));
      if (!opts.dryRun) await this.closeInterrupted();
    } catch (err) {
      stopRenewing();
      if (!opts.dryRun) await this.deps.store.releaseLease(LEASE, this.holder);
      throw err;
    }
    if (!opts.dryRun) for (const p of platforms) this.api(p.name).client.fence = () => this.fence();
    const run: RunResult = { runId: newRunId(started), status: 'running', trigger: opts.trigger ?? 'cli', scope, startedAt: started.toISOString(), guard: [], platforms: [] };
    try {
      if (!opts.dryRun) await this.deps.store.saveRun(run);
      await callScope.run(counters, () => this.execute(run, platforms, { ...opts, cohort }, reads));
    } catch (err) {
      run.status = 'failed';
      setReasons(run, [...(run.guardReasons ?? []), { code: 'runFailed', detail: (err as Error).message }]);
      throw err;
    } finally {
      stopRenewing();
      for (const p of platforms) this.api(p.name).client.fence = undefined;
      run.finishedAt = this.now().toISOString();
      run.durationMs = Date.parse(run.finishedAt) - started.getTime();
      if (!opts.dryRun) {
        await this.deps.store.saveRun(stripPlans(run));
        await this.deps.store.releaseLease(LEASE, this.holder);
        await this.purgeExpired();
      }
    }
    return run;
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
        readCohortState(this.api(p.name), { naming: this.naming, field: this.deps.config.userMatch.moodleField, memberKeys }).then(
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
    const dir = await this.readDirectory(opts);
    const states = new Map<string, CohortState | Error>();
    for (const [name, state] of cohorts) states.set(name, await state);
    return { ...dir, states };
  }

  /** Retention after every run, scheduled or not (CLI runs included): personal data past RETENTION_DAYS goes. */
  private async purgeExpired(): Promise<void> {
    try {
      const purged = await this.deps.store.purge(new Date(this.now().getTime() - this.deps.config.retentionDays * 86_400_000));
      if (purged > 0) this.log.info({ purged }, 'store rows past retention deleted or blanked');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'retention purge failed; it runs again after the next run');
    }
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
  private async execute(run: RunResult, platforms: Config['platforms'], opts: RunOptions, reads: Reads): Promise<void> {
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
    const held = await this.apply(run, planned);
    run.platforms = platforms.map((p) => planned.summaries.get(p.name)!);
    if (held.length > 0) {
      await this.deps.store.saveHeldPlan({ runId: run.runId, createdAt: this.now().toISOString(), status: 'held', removals: held, reasons: planned.decision.reasons.map((r) => guardText(r)), reasonCodes: planned.decision.reasons });
    }
    run.status = outcome(run.platforms, held.length > 0);
    if (!opts.user && !opts.cohort) await this.supersedeOlderHeld(run.runId, platforms.map((p) => p.name));
  }

  /**
   * The plan of a run, a value: per platform the changes with their reasons (desired state of the
   * directory against Moodle's), and the guard's decision about them. Reads only.
   */
  private async plan(run: RunResult, platforms: Config['platforms'], opts: RunOptions, reads: Reads): Promise<RunPlan> {
    const window = yearWindow(this.now(), { ...this.deps.config.academicYear, year: opts.year ?? this.deps.config.academicYear.year });
    const { read, onlyKey, states } = reads;
    run.directoryStudents = countedStudents(read.roster, window.add);
    run.directoryComplete = read.complete;
    // A one-student scope names the student: only at debug.
    this.log.info({ runId: run.runId, scope: run.scope.startsWith('user:') ? 'user' : run.scope, students: run.directoryStudents, complete: read.complete, ms: read.durationMs }, 'directory read');
    this.log.debug({ runId: run.runId, scope: run.scope }, 'run scope');

    const desired = desiredStates(read, window, platforms);
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
          const actual = await resolveAccounts(this.api(p.name), state, { field: this.deps.config.userMatch.moodleField, keys: desiredKeys(want), onlyKey });
          const resolved = Date.now();
          const p0 = plan(want, actual, { naming: this.naming, onlyKey, onlyEtape: opts.cohort, year: window.current, deleteUnusedEmpty: false });
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
    for (const r of decision.reasons) this.log.warn({ runId: run.runId, code: r.code }, guardText(r));
    return { plans, decision, summaries };
  }

  /** Applies a plan as its decision says (removals applied, skipped or held); returns the held removals. */
  private async apply(run: RunResult, planned: RunPlan): Promise<HeldRemoval[]> {
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
        const result = await applyPlan(pl, mode, {
          api: this.api(pl.platform),
          writer: memberWriter(this.api(pl.platform), writes),
          categorytype: this.categorytype(pl.platform),
          runId: run.runId,
          now: this.now,
          journal: (e) => this.deps.store.journal(e),
          newlyPending: async (pending) => {
            const latest = await this.deps.store.latestActions(pl.platform, pending.map((x) => ({ cohortIdnumber: x.cohortIdnumber, studentKey: x.key })));
            return pending.filter((_x, i) => latest[i] !== 'pending');
          },
          onProgress: this.deps.onProgress,
        });
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
    const calls = callScope.getStore();
    for (const [name, s] of planned.summaries) {
      s.writeCalls = calls?.get(name)?.writes ?? 0;
      s.readCalls = calls?.get(name)?.reads ?? 0;
    }
  }

  /** The whole directory, or one student through the source's escaped lookup. */
  private async readDirectory(opts: RunOptions): Promise<{ read: DirectoryRead; onlyKey?: string }> {
    if (!opts.user) return { read: await this.deps.directory.read() };
    const started = Date.now();
    const found = await this.deps.directory.lookup(opts.user);
    if (found.matches > 1) throw new SyncRequestError(`${opts.user} matches ${found.matches} directory entries; give the exact username or student number`, { code: 'ambiguousStudent', student: opts.user, matches: found.matches });
    const field = this.deps.config.userMatch.moodleField;
    const onlyKey = found.student?.key ?? (field === 'idnumber' ? opts.user.trim() : opts.user.trim().toLowerCase());
    return {
      onlyKey,
      read: {
        source: `${this.deps.directory.describe()} (lookup)`,
        entries: found.matches,
        roster: Roster.from(found.student ? [found.student] : []),
        skipped: found.skipped,
        complete: found.complete,
        incompleteReason: found.incompleteReason,
        warnings: [],
        etapes: {},
        durationMs: Date.now() - started,
      },
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

  /** Takes the lease; a holder that died on this host (SIGKILL) is taken over at once. */
  private async fence(): Promise<void> {
    // Renew, never re-acquire: a lease released or taken by another replica meanwhile stays lost for this run.
    if (!(await this.deps.store.renewLease(LEASE, this.holder, this.now(), this.leaseTtlMs))) throw new LeaseLostError(this.holder);
  }

  /** Holding the lease, no other run is live: a run still marked running was killed — it is closed as interrupted. */
  private async closeInterrupted(): Promise<void> {
    for (const r of await this.deps.store.lastRuns(50)) {
      if (r.status !== 'running') continue;
      const reasons: GuardReason[] = [...(r.guardReasons ?? []), { code: 'interrupted' }];
      await this.deps.store.saveRun({ ...r, status: 'interrupted', finishedAt: r.finishedAt ?? this.now().toISOString(), guardReasons: reasons, guard: reasons.map((x) => guardText(x)) });
      this.log.warn({ runId: r.runId }, 'a run that never finished (killed) is closed as interrupted');
    }
  }

  private async takeLease(): Promise<void> {
    const store = this.deps.store;
    if (await store.acquireLease(LEASE, this.holder, this.now(), this.leaseTtlMs)) return;
    const current = await store.leaseHolder(LEASE, this.now());
    if (!current) {
      if (await store.acquireLease(LEASE, this.holder, this.now(), this.leaseTtlMs)) return;
      throw new RunInProgressError('another process', 'unknown');
    }
    const [host, pid] = current.holder.split(':');
    if (host === os.hostname() && pid !== undefined && !processAlive(Number(pid))) {
      this.log.warn({ holder: current.holder }, 'taking over the lease of a sync process that is gone');
      await store.releaseLease(LEASE, current.holder);
      if (await store.acquireLease(LEASE, this.holder, this.now(), this.leaseTtlMs)) return;
    }
    throw new RunInProgressError(current.holder, current.expiresAt);
  }

  /**
   * Approval of held removals, through the same pieces as every run: a fresh directory read, the
   * desired state of desired.ts, the same removal applier, the same fencing. Only removals still not
   * wanted are applied. The applied run and the decision are recorded in one transaction; an approval
   * that fails (directory incomplete, Moodle errors) is recorded as such and leaves the plan held, so a
   * later approval completes it. `channel`: where the approval came from, for the one audit entry.
   */
  async approve(runId: string, actor: string, channel = 'cli'): Promise<RunResult> {
    const held = await this.deps.store.getHeldPlan(runId);
    if (!held) throw new SyncRequestError(`no held removals for run ${runId}`);
    if (held.status !== 'held') throw new SyncRequestError(`the removals of run ${runId} were already ${held.status}${held.decidedBy ? ` by ${held.decidedBy}` : ''}`);
    await this.takeLease();
    const started = this.now();
    const run: RunResult = { runId: newRunId(started), status: 'running', trigger: `approve by ${actor}`, scope: `approve:${runId}`, startedAt: started.toISOString(), guard: [], platforms: [] };
    const platforms = [...new Set(held.removals.map((r) => r.platform))];
    for (const p of platforms) this.api(p).client.fence = () => this.fence();
    try {
      await this.deps.store.saveRun(run);
      const read = await this.deps.directory.read();
      if (!read.complete) throw new SyncRequestError(`cannot approve now: the directory read is incomplete (${read.incompleteReason}); try again later`);
      const window = yearWindow(this.now(), this.deps.config.academicYear);
      const desired = desiredStates(read, window, this.deps.config.platforms.filter((p) => platforms.includes(p.name)));
      const stillWanted = (r: HeldRemoval) => {
        const cohort = desired.get(r.platform)?.cohorts.get(r.cohortIdnumber.slice(this.naming.prefix.length));
        const i = r.key === undefined ? undefined : read.roster.indexOf(r.key);
        return i !== undefined && cohort !== undefined && (cohort.members.has(i) || cohort.keepOnly.has(i));
      };
      // The approval's plan: the held removals still not wanted, nothing else; applied like any plan.
      const planned: RunPlan = { plans: [], decision: { action: 'apply', removals: 'apply', reasons: [] }, summaries: new Map() };
      for (const platform of platforms) {
        const removals = held.removals.filter((r) => r.platform === platform);
        const todo = removals.filter((r) => !stillWanted(r));
        planned.plans.push({ ...emptyPlan(platform), removals: todo.map((r) => ({ ...r, etape: r.cohortIdnumber.slice(this.naming.prefix.length), reason: `${r.reason} (held in ${runId}, approved by ${actor})` })) });
        planned.summaries.set(platform, { ...emptySummary(platform), removalsSkipped: removals.length - todo.length });
      }
      const counters = new Map(platforms.map((p) => [p, { reads: 0, writes: 0 }]));
      await callScope.run(counters, () => this.apply(run, planned));
      run.platforms = platforms.map((p) => planned.summaries.get(p)!);
      run.status = outcome(run.platforms, false);
    } catch (err) {
      run.status = 'failed';
      setReasons(run, [...(run.guardReasons ?? []), { code: 'runFailed', detail: (err as Error).message }]);
    } finally {
      for (const p of platforms) this.api(p).client.fence = undefined;
      run.finishedAt = this.now().toISOString();
      run.durationMs = Date.parse(run.finishedAt) - started.getTime();
    }
    const removed = run.platforms.reduce((n, p) => n + p.membersRemoved, 0);
    try {
      if (run.status === 'applied') {
        // The run and the decision together: never an applied approval whose plan still says held.
        if (!(await this.deps.store.recordApproval(stripPlans(run), runId, actor, run.finishedAt!))) throw new SyncRequestError(`the removals of run ${runId} were decided meanwhile`);
      } else await this.deps.store.saveRun(stripPlans(run));
      await this.deps.store.audit({ at: started.toISOString(), actor, channel, command: 'approve', target: runId, outcome: run.status, detail: `${removed} removed` });
    } finally {
      await this.deps.store.releaseLease(LEASE, this.holder);
    }
    if (run.status === 'failed' && run.guardReasons?.some((g) => g.code === 'runFailed')) throw new SyncRequestError(run.guard[run.guard.length - 1]!);
    return run;
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

  async reject(runId: string, actor: string, channel = 'cli'): Promise<{ runId: string; status: 'rejected'; removals: number }> {
    const held = await this.deps.store.getHeldPlan(runId);
    if (!held) throw new SyncRequestError(`no held removals for run ${runId}`);
    if (!(await this.deps.store.decideHeldPlan(runId, 'rejected', actor, this.now().toISOString()))) {
      throw new SyncRequestError(`the removals of run ${runId} were already ${held.status}${held.decidedBy ? ` by ${held.decidedBy}` : ''}`);
    }
    await this.deps.store.audit({ at: this.now().toISOString(), actor, channel, command: 'reject', target: runId, outcome: 'ok', detail: `${held.removals.length} removals dropped` });
    return { runId, status: 'rejected', removals: held.removals.length };
  }
}

/** What a run read before planning: the directory (or one student), and each platform's cohorts or why they could not be read. */
interface Reads {
  read: DirectoryRead;
  onlyKey?: string;
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

/** A run's reasons as codes (for every language) and as the English sentences the CLI prints. */
function setReasons(run: RunRecord, reasons: GuardReason[]): void {
  run.guardReasons = reasons;
  run.guard = reasons.map((r) => guardText(r));
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

function stripPlans(run: RunResult): RunRecord {
  const { plans: _plans, ...rest } = run;
  return rest;
}

function newRunId(at: Date): string {
  return `r${at.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}-${crypto.randomBytes(2).toString('hex')}`;
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
