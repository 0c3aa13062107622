/** `cohortbot sync`, `approve`, `reject`, `status`: the sync engine from the command line. */
import { Command } from 'commander';
import { createApp } from '../app';
import { Config, loadConfig } from '../config';
import type { RunRecord } from '../store/types';
import { StoreUnavailableError } from '../store/unavailable';
import { RunInProgressError, RunResult, SyncRequestError } from '../sync/engine';
import { HeldDecision, shownRun, shownStatus, syncStatus } from '../sync/status';
import { formatDate } from '../i18n/format';
import { latestNotices } from '../notify/status';
import { CliError, onOption, printJson, yearOption } from './common';
import { englishGuard, guardText, heldDecisionText, runStatusText } from '../i18n/codes';
import { cliEn } from '../i18n/en/cli';
import { cliFr } from '../i18n/fr/cli';
import { Locale, localeOf } from '../i18n/locale';

/** The text output's words (--lang; JSON documents are the same in every language). */
const words = (locale: Locale) => (locale === 'en' ? cliEn : cliFr);
const LANG: [string, string, string] = ['--lang <fr|en>', 'language of the text output', 'fr'];

/** Progress on stderr: one line per phase and platform every 10 %, never on stdout. */
function progressPrinter(): (p: { platform: string; phase: string; done: number; total: number }) => void {
  const last = new Map<string, number>();
  return (p) => {
    if (p.total < 200) return;
    const step = Math.floor((p.done / p.total) * 10);
    const k = `${p.platform}:${p.phase}`;
    if (last.get(k) === step && p.done !== p.total) return;
    last.set(k, step);
    process.stderr.write(`cohortbot: ${p.platform} ${p.phase} ${p.done}/${p.total}\n`);
  };
}

async function withApp<T>(fn: (app: ReturnType<typeof createApp>) => Promise<T>): Promise<T> {
  const app = createApp(loadConfig(), { onProgress: progressPrinter() });
  try {
    return await fn(app);
  } catch (err) {
    if (err instanceof RunInProgressError) throw new CliError(err.message, 3);
    if (err instanceof SyncRequestError) throw new CliError(err.reason ? guardText(err.reason, 'en') : err.message, 2);
    throw err;
  } finally {
    await app.close();
  }
}

function printRun(run: RunRecord & { plans?: unknown; decision?: HeldDecision }, locale: Locale, timeZone?: string): void {
  const out = process.stdout;
  const w = words(locale);
  // Held removals since decided: the run held them (its stored status became "applied"), the decision says the rest.
  out.write(`${w.run(run.runId, runStatusText(shownStatus(run, run.decision), locale), run.scope, run.durationMs ?? 0)}\n`);
  if (run.decision) out.write(`${w.decision(heldDecisionText(run.runId, run.decision, locale, timeZone ?? 'UTC'))}\n`);
  if (run.directoryStudents !== undefined) out.write(`${w.directory(run.directoryStudents, run.directoryComplete === false)}\n`);
  for (const g of run.guardReasons) out.write(`${w.guard(guardText(g, locale))}\n`);
  for (const p of run.platforms) {
    out.write(`${w.platform(p)}\n`);
    for (const e of p.errors) out.write(`${w.error(e)}\n`);
  }
  if (run.status === 'held' && !run.decision) out.write(`${w.approveHint(run.runId)}\n`);
}

/** A run in a JSON document: the English sentences it always carried, and their codes beside them. */
export const runJson = <R extends RunRecord>(run: R) => ({ ...run, guard: englishGuard(run.guardReasons), guardCodes: run.guardReasons });

export function syncCommands(): Command[] {
  const sync = new Command('sync')
    .description('one sync run (all platforms, or scoped to a platform, a student or a cohort)')
    .option('--dry-run', 'plan and report, write nothing')
    .option('--platform <name>', 'only this platform')
    .option('--user <key>', 'only this student (username, student number or e-mail)')
    .option('--cohort <etape>', 'only this étape cohort')
    .option('--year <yyyy>', 'force the academic year (replays)')
    .option('--on <date>', 'with --dry-run, plan as on that day (YYYY-MM-DD): a preview of the academic-year switch or the end of the grace period')
    .option('--verbose', 'with --dry-run, list every planned change')
    .option('--json', 'print one JSON document')
    .option(...LANG)
    .action(async (opts: { dryRun?: boolean; platform?: string; user?: string; cohort?: string; year?: string; on?: string; json?: boolean; verbose?: boolean; lang?: string }) => {
      // A day other than today is only ever previewed: a run that writes does so as of now.
      if (opts.on !== undefined && !opts.dryRun) throw new CliError('--on previews another day: use it with --dry-run');
      const on = onOption(opts.on);
      await withApp(async (app) => {
        let run: RunResult;
        try {
          run = await app.engine.run({ dryRun: opts.dryRun, platform: opts.platform, user: opts.user, cohort: opts.cohort, year: yearOption(opts.year), on, trigger: 'cli' });
        } catch (err) {
          // The store unreachable before the run began (no lease, nothing done): still one document, status failed.
          if (!(err instanceof StoreUnavailableError) || !opts.json) throw err;
          printJson({ runId: null, status: 'failed', platforms: [], guard: [cliEn.storeAway(err.message)], guardCodes: [{ code: 'runFailed', detail: err.message }] });
          process.exitCode = 1;
          return;
        }
        // peakRssMB: this process's own peak resident memory (maxRSS), as an operator would watch it.
        const doc = { runId: run.runId, status: run.status, platforms: run.platforms, durationMs: run.durationMs, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), scope: run.scope, guard: englishGuard(run.guardReasons), guardCodes: run.guardReasons, directoryStudents: run.directoryStudents, ...(opts.verbose ? { plans: run.plans } : {}) };
        if (opts.json) printJson(doc);
        else {
          printRun(run, localeOf(opts.lang));
          if (opts.verbose && run.plans) for (const p of run.plans) process.stdout.write(`${JSON.stringify(p, null, 1)}\n`);
        }
        if (run.status === 'aborted' || run.status === 'failed' || run.status === 'partial') process.exitCode = 1;
      });
      // The run is recorded and reported: exit now, whatever requests or sockets the client gave up on.
      await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
      process.exit(process.exitCode ?? 0);
    });

  const approve = new Command('approve')
    .argument('<runId>', 'the run whose removals were held')
    .description('apply the removals held by a run (re-checked against a fresh directory read)')
    .option('--as <who>', 'who approves (for the audit trail)', process.env.USER ?? 'cli')
    .option('--json', 'print one JSON document')
    .option(...LANG)
    .action(async (runId: string, opts: { as: string; json?: boolean; lang?: string }) => {
      await withApp(async (app) => {
        const run = await app.engine.approve(runId, opts.as);
        if (opts.json) printJson({ runId: run.runId, approved: runId, status: run.status, platforms: run.platforms, durationMs: run.durationMs });
        else printRun(run, localeOf(opts.lang));
      });
    });

  const reject = new Command('reject')
    .argument('<runId>', 'the run whose removals were held')
    .description('drop the removals held by a run')
    .option('--as <who>', 'who rejects (for the audit trail)', process.env.USER ?? 'cli')
    .option('--json', 'print one JSON document')
    .option(...LANG)
    .action(async (runId: string, opts: { as: string; json?: boolean; lang?: string }) => {
      await withApp(async (app) => {
        const r = await app.engine.reject(runId, opts.as);
        if (opts.json) printJson(r);
        else process.stdout.write(`${words(localeOf(opts.lang)).rejected(runId, r.removals)}\n`);
      });
    });

  const status = new Command('status')
    .description('last runs, next run, held removals')
    .option('--json', 'print one JSON document')
    .option(...LANG)
    .action(async (opts: { json?: boolean; lang?: string }) => {
      await withApp(async (app) => {
        const doc = await statusDocument(app);
        if (opts.json) return printJson(doc);
        const out = process.stdout;
        const locale = localeOf(opts.lang);
        const w = words(locale);
        const tz = app.config.academicYear.timezone;
        out.write(`${w.nextRun(doc.nextRun ? formatDate(new Date(doc.nextRun), locale, tz, true) : undefined, app.config.schedule.cron, app.config.schedule.timezone)}\n`);
        if (doc.runningSince) out.write(`${w.runningNow(doc.runningSince)}\n`);
        for (const r of doc.lastRuns) printRun(r, locale, tz);
        for (const h of doc.held) out.write(`${w.held(h.runId, h.removals, h.reasonCodes.map((g) => guardText(g, locale)).join(locale === 'en' ? '; ' : ' ; '))}\n`);
      });
    });
  return [sync, approve, reject, status];
}

export async function statusDocument(app: ReturnType<typeof createApp>) {
  const { lastRuns, nextRun, running, held } = await syncStatus(app.store, app.config.schedule, { runs: 5 });
  // The private notices of the latest run that had any (#32): {runId, queued, sending, sent, skipped, failed}.
  const latest = await latestNotices(app.store, lastRuns.map((r) => r.runId));
  return {
    notices: latest ? { runId: latest.runId, ...latest.counts } : null,
    // A run whose held removals were decided stays `held` (as its text line says) and carries `decision`:
    // {status, by, at, removals, approvalRunId?, removed?, supersededBy?}.
    lastRuns: await Promise.all(lastRuns.map((r) => shownRun(app.store, runJson(r), lastRuns))),
    nextRun: nextRun ? nextRun.toISOString() : null,
    runningSince: running?.holder,
    held: held.map((h) => ({
      runId: h.runId,
      createdAt: h.createdAt,
      removals: h.removals.length,
      byCohort: h.removals.reduce<Record<string, number>>((acc, r) => ((acc[`${r.platform}/${r.cohortIdnumber}`] = (acc[`${r.platform}/${r.cohortIdnumber}`] ?? 0) + 1), acc), {}),
      reasons: englishGuard(h.reasonCodes),
      reasonCodes: h.reasonCodes,
    })),
  };
}

export { SyncRequestError };

/**
 * `cohortbot forget <student>`: the right to erasure. The student is named by key, number or e-mail;
 * the directory (when it answers) gives their other identifiers, and every row of the store that
 * mentions any of them is erased or blanked, in one transaction. Prints what it erased.
 */
export function forgetCommand(): Command {
  return new Command('forget')
    .argument('<student>', 'the student: key (as matched with Moodle, e.g. the username), student number or e-mail')
    .description("erase every trace of one person from the store: journal, audit, runs, held plans, chat state (GDPR)")
    .option('--json', 'print one JSON document')
    .option(...LANG)
    .action(async (student: string, opts: { json?: boolean; lang?: string }) => {
      const config = loadConfig(process.env, { moodle: false, directory: false });
      const typed = student.trim();
      if (typed.length < 3) throw new CliError(`forget ${JSON.stringify(student)}: give the student's key, number or e-mail (3 characters or more)`);
      const identifiers = [typed, ...(await directoryIdentifiers(config, typed))];
      const { openStore } = await import('../store');
      const store = openStore(config.databaseUrl);
      try {
        const erased = await store.forget(identifiers);
        const total = Object.values(erased).reduce((n, x) => n + x, 0);
        if (opts.json) printJson({ student: typed, identifiers: identifiers.length, erased, total });
        else process.stdout.write(`${words(localeOf(opts.lang)).erased(typed, total, erased)}\n`);
      } finally {
        await store.close();
      }
    });
}

/** The person's other identifiers from the directory, if one is configured and answers; none otherwise. */
async function directoryIdentifiers(config: Config, typed: string): Promise<string[]> {
  if (config.directory.source === 'file' && !config.directory.file) return [];
  try {
    const { createDirectorySource } = await import('../directory');
    const found = await createDirectorySource(config).lookup(typed);
    const s = found.student;
    return s ? [s.key, s.uid, s.etuId, s.mail, s.eppn, s.displayName].filter((x): x is string => Boolean(x)) : [];
  } catch {
    return [];
  }
}
