/**
 * The command core: message → parse → authorise → handler → View. Teams, Slack and the terminal all
 * call `handle`; none of them holds business logic. Every failure becomes a clear reply, never a crash,
 * and every action or refusal is audited.
 */
import { MoodleError, exceptionCode } from '../moodle/errors';
import { moodleErrorText } from '../i18n/codes';
import { localeOf } from '../i18n/locale';
import { typesetView } from '../i18n/typography';
import { StoreUnavailableError } from '../store/unavailable';
import { RunInProgressError } from '../sync/lease';
import { SyncRequestError } from '../sync/engine';
import { CohortSyncUnavailable, refusalCode } from '../moodle/cohort-syncs';
import { CourseAccess, authorize, changesCourse, nonTeacherRefusal, refusalAbout, refusalText } from './authz';
import { Command, ParseError, parseCommand } from './commands';
import { Actor, BotDeps, HandlerContext, Identity, NoAccountError, leaveConfirmations } from './context';
import { addForm } from './forms';
import { catalog, Catalog } from '../i18n';
import { add, cancel, confirm, listSyncs, manualInstead, remove, update } from './handlers/cohort-sync';
import { help, status, whoami } from './handlers/general';
import { search, usableCohorts } from './handlers/search';
import { summaryHere } from './handlers/summary';
import { changes, myCourses, notifications, selfWhy } from './handlers/notices';
import type { Cohort } from '../moodle/api';
import { ACCOUNT_TRUST_MS, ChatCache, cachedApis } from './cache';
import { configuredRoles, identityKey } from './identity';
import { resolveCourse } from './resolve';
import { asCommand } from '../moodle/scheduler';
import { approveOrReject, changeMembers, createCohort, history, listMembers, syncNow, why } from './handlers/support';
import { View, text } from './views';

type Handler<K extends Command['kind']> = (ctx: HandlerContext, cmd: Extract<Command, { kind: K }>, course: CourseAccess | undefined) => Promise<View> | View;

/** What each command runs once authorised: one registry, one entry per command kind. */
/** Commands that answer a confirmation (a card's buttons, "oui", "non"): the others leave it aside. */
const ANSWERS = new Set<Command['kind']>(['confirm', 'cancel', 'manual']);

const HANDLERS: { [K in Command['kind']]: Handler<K> } = {
  help: (ctx) => help(ctx),
  whoami: (ctx) => whoami(ctx),
  status: (ctx, cmd) => status(ctx, cmd.target),
  search: (ctx, cmd) => search(ctx, cmd.query, cmd.course, cmd.page, cmd.platform),
  syncs: (ctx, _cmd, course) => listSyncs(ctx, course!),
  add: (ctx, cmd, course) => add(ctx, cmd, course!),
  update: (ctx, cmd, course) => update(ctx, cmd, course!),
  remove: (ctx, cmd, course) => remove(ctx, cmd, course!),
  confirm: (ctx, cmd) => confirm(ctx, cmd.id),
  cancel: (ctx, cmd) => cancel(ctx, cmd.id),
  manual: (ctx, cmd) => manualInstead(ctx, cmd.id),
  why: (ctx, cmd, course) => why(ctx, cmd, course),
  sync: (ctx, cmd) => syncNow(ctx, cmd.target),
  history: (ctx, cmd) => history(ctx, cmd.student),
  approve: (ctx, cmd) => approveOrReject(ctx, 'approve', cmd.run),
  reject: (ctx, cmd) => approveOrReject(ctx, 'reject', cmd.run),
  createCohort: (ctx, cmd) => createCohort(ctx, cmd),
  addMembers: (ctx, cmd) => changeMembers(ctx, cmd),
  removeMembers: (ctx, cmd) => changeMembers(ctx, cmd),
  members: (ctx, cmd) => listMembers(ctx, cmd.cohort, cmd.platform),
  summaryHere: (ctx) => summaryHere(ctx),
  notifications: (ctx, cmd) => notifications(ctx, cmd.on),
  myCourses: (ctx) => myCourses(ctx),
  selfWhy: (ctx, cmd) => selfWhy(ctx, cmd.course),
  changes: (ctx, _cmd, course) => changes(ctx, course!),
};

/** Commands that only read: they may start before Moodle has confirmed the person (their answer still waits for it). */
const READ_ONLY = new Set<Command['kind']>(['help', 'whoami', 'status', 'search', 'syncs', 'why', 'history', 'members', 'myCourses', 'selfWhy', 'changes']);
/**
 * Previews: they read as the person and keep a confirmation in the store; nothing changes in Moodle
 * until the "yes", which waits for Moodle's confirmation of the person and is checked by Moodle again.
 */
const PREVIEWS = new Set<Command['kind']>(['add', 'update', 'remove']);

/** An answer not ready after this long gets an "on it" first (at once when Moodle is already busy). */
export const PENDING_AFTER_MS = 1500;

const PLUGIN_REFUSALS = new Set(['onbehalfnopermission', 'nopermissions', 'cohortnotavailable', 'rolenotassignable', 'groupnotincourse', 'instanceexists', 'cohortnotfound', 'hiddencohort']);

export class BotCore {
  readonly deps: BotDeps;

  constructor(deps: BotDeps) {
    // The bot reads through its cache (cache.ts); the sync engine keeps its own uncached APIs.
    const cache = deps.cache ?? new ChatCache();
    this.deps = { ...deps, cache, apis: cachedApis(deps.apis, cache) };
  }

  /** Called once per handled message (metrics). */
  onCommand?: (channel: string, command: string, outcome: string) => void;

  /**
   * Answers one message. `onPending` is how the channel says "on it" (Slack: a short ephemeral the
   * answer then replaces; Teams: typing): called at once when Moodle's queue already holds more calls
   * than it serves at a time, else once the answer has taken PENDING_AFTER_MS; never after the answer,
   * and the answer is returned only once it has been said.
   */
  async handle(identity: Identity, input: string, onPending?: (text: string) => Promise<void>): Promise<View> {
    let said: Promise<void> | undefined;
    const say = () => (said ??= onPending!(catalog(identity.locale).onIt).catch((err: Error) => this.deps.logger.warn({ err: err.message }, 'chat: could not say "on it"')));
    const timer = onPending ? (this.moodleBusy() ? (say(), undefined) : setTimeout(say, PENDING_AFTER_MS)) : undefined;
    // Every Moodle call of this command is ranked by its arrival (moodle/scheduler.ts).
    const { view, kind } = await asCommand(identityKey(identity), () => this.answer(identity, input)).finally(() => clearTimeout(timer));
    await said;
    this.onCommand?.(identity.channel, kind, view.tone ?? 'info');
    // The one French typography pass of every chat answer (no-break spaces before « : ; ! ? », inside « »).
    const lang = localeOf(catalog(identity.locale).locale);
    return { ...typesetView(view, lang), lang };
  }

  /** Chat calls already wait on some platform beyond what it serves at once: this answer will take a while. */
  private moodleBusy(): boolean {
    return [...this.deps.apis.values()].some((api) => api.client.limiter.waiting.chat >= api.client.limiter.limit);
  }

  private async answer(identity: Identity, input: string, retried = false): Promise<{ view: View; kind: string }> {
    const t = catalog(identity.locale);
    const parsed = /^\s*(ajouter|add)\s*$/i.test(input) ? undefined : parseCommand(input, { platforms: this.deps.config.platforms.map((p) => p.name) });
    // Best effort: a store that is away cannot consume a confirmation either, and help or a read goes on without it.
    if (!retried && !(parsed?.ok && ANSWERS.has(parsed.command.kind))) await leaveConfirmations(this.deps.store, identityKey(identity)).catch(() => undefined);
    if (parsed && !parsed.ok && parsed.error.code === 'typedMore') {
      // A "voir plus" button's label typed: the next page of this person's own last search, written in their language.
      const next = await this.deps.cache!.nextSearchPage(identityKey(identity));
      if (next) return this.answer(identity, t.cmd.search(next.query, next.course, next.page, next.platform), retried);
      // No next page to show: say so, rather than point to another search's page.
      return { view: { tone: 'info', blocks: [text(t.help.noMorePages)] }, kind: 'unparsed' };
    }
    if (parsed && !parsed.ok) return { view: this.parseError(t, parsed.error), kind: 'unparsed' };
    const cmd = parsed?.command;
    // "Who am I" always asks Moodle afresh: it is how a person checks what the bot sees of them now.
    if (cmd?.kind === 'whoami') this.deps.cache!.forget(identityKey(identity));
    // The course a command names, and the sites' functions (which cohort-sync plugin, kept 10 minutes),
    // are looked up while the person is: they are cached, for authorisation and the handler to find.
    if (cmd && 'course' in cmd && cmd.course && identityKey(identity)) for (const api of this.deps.apis.values()) void api.functionNames().catch(() => undefined);
    if (cmd && 'course' in cmd && cmd.course && identityKey(identity)) void resolveCourse(new HandlerContext(this.deps, Actor.anonymous(identity, this.deps.config), t), cmd.course, () => '').catch(() => undefined);
    // A read or a preview of someone without a staff role may take their account as Moodle confirmed it
    // moments ago (cache.ts, ACCOUNT_TRUST_MS): its course reads are made as them, and a refusal asks again.
    const trust = !retried && cmd && cmd.kind !== 'whoami' && (READ_ONLY.has(cmd.kind) || PREVIEWS.has(cmd.kind)) && configuredRoles(identity, this.deps.config).size === 0 ? ACCOUNT_TRUST_MS : 0;
    // Everything, help included (it says what this person may do where), knows who is asking first.
    const actor = await Actor.resolve(identity, this.deps, trust);
    // The actor may have been built from what the bot last saw: if Moodle now says otherwise (suspended,
    // a second account…), nothing built on it is said or done — the command starts again from Moodle's answer.
    const stale = async () => !retried && !(await actor.confirmed);
    const again = () => {
      this.deps.cache!.forget(identityKey(identity));
      return this.answer(identity, input, true);
    };
    const ctx = new HandlerContext(this.deps, actor, t);
    // Anything that may write waits for Moodle's confirmation of the person before it starts.
    if (!(cmd && (READ_ONLY.has(cmd.kind) || PREVIEWS.has(cmd.kind))) && (await stale())) return again();
    const result = await this.decide(ctx, cmd);
    // Moodle refused something to an account taken on trust: the cache is dropped (failure()) and the
    // person asked afresh; if Moodle now sees them otherwise (suspended…), the answer starts again from that.
    if (trust && result.refused && !(await Actor.resolve(identity, this.deps)).sameAccounts(actor)) return this.answer(identity, input, true);
    return (await stale()) ? again() : result;
  }

  private async decide(ctx: HandlerContext, cmd: Command | undefined): Promise<{ view: View; kind: string; refused?: boolean }> {
    const { actor, t } = ctx;
    if (!cmd) {
      // "ajouter" alone: the form, for those who would rather click than type (a verified person only).
      if (!actor.verified) return { view: { tone: 'error', blocks: [text(t.accountProblem(actor.mainProblem))] }, kind: 'add' };
      return { view: { blocks: [{ type: 'form', form: addForm(actor.identity.locale) }] }, kind: 'add' };
    }
    try {
      const decision = await authorize(ctx, cmd);
      if (!decision.ok) return { view: decision.view, kind: cmd.kind };
      const handler = HANDLERS[cmd.kind] as Handler<typeof cmd.kind>;
      return { view: await handler(ctx, cmd as never, decision.course), kind: cmd.kind };
    } catch (err) {
      return { view: await this.failure(ctx, cmd, err), kind: cmd.kind, refused: refusalCode(err) !== undefined };
    }
  }

  /** The cohorts this person may use, for pickers (Slack's cohort field): the rules of `chercher`, nobody → none. */
  async searchCohorts(identity: Identity, query: string): Promise<Cohort[]> {
    return asCommand(identityKey(identity), () => this.pickerCohorts(identity, query));
  }

  private async pickerCohorts(identity: Identity, query: string): Promise<Cohort[]> {
    const actor = await Actor.resolve(identity, this.deps);
    if (!actor.verified) return [];
    const ctx = new HandlerContext(this.deps, actor, catalog(identity.locale));
    const rows = await usableCohorts(ctx, query).catch((err: Error) => {
      this.deps.logger.warn({ err: err.message }, 'cohort picker search failed');
      return [];
    });
    // Offered only once Moodle has confirmed who is asking (the actor may come from the cache).
    return (await actor.confirmed) ? rows.map((r) => r.cohort) : [];
  }

  private parseError(t: Catalog, e: ParseError): View {
    switch (e.code) {
      case 'empty':
        return { blocks: [text(t.seeHelp)] };
      case 'tooLong':
        return { tone: 'error', blocks: [text(t.tooLong(e.max))] };
      case 'missing':
        return { tone: 'error', blocks: [text(t.missing(t.missingWhat[e.what], t.locale === 'en' ? e.example.en : e.example.fr))] };
      case 'badOption':
        return { tone: 'error', blocks: [text(t.badOption(e.option, t.optionsAllowed[e.allowed]))] };
      case 'badRole':
        return { tone: 'error', blocks: [text(t.badRole(e.role))] };
      case 'typedMore':
      case 'unknown':
        // Never a bare "not understood": the closest command, written out so that typing it works.
        return { tone: 'error', blocks: [text([t.unknownCommand(e.input), 'suggestion' in e && e.suggestion ? t.didYouMean(t.locale === 'en' ? e.suggestion.en : e.suggestion.fr) : e.example ? t.help.closest(t.locale === 'en' ? e.example.en : e.example.fr) : '', t.seeHelp].filter(Boolean).join(' '))] };
    }
  }

  private async failure(ctx: HandlerContext, cmd: Command, err: unknown): Promise<View> {
    const t = ctx.t;
    const log = this.deps.logger;
    // The database restarting: a command that needed to record something says so (its audit cannot be written either).
    if (err instanceof StoreUnavailableError) {
      log.warn({ err: err.message, command: cmd.kind }, 'chat command needs the store, which is unavailable');
      return { tone: 'error', blocks: [text(t.storeUnavailable)] };
    }
    // An approval or a rejection holds the run lease like a run: one at a time.
    if (err instanceof RunInProgressError) return { tone: 'warning', blocks: [text(t.syncRunBusy)] };
    if (err instanceof NoAccountError) return { tone: 'error', blocks: [text(t.accountProblemOn(err.problem, err.platform))] };
    if (err instanceof CohortSyncUnavailable) {
      return { tone: 'error', blocks: [text(t.moodle.unavailable.teacher(err.platform)), ...(ctx.actor.has('admin') ? [text(t.moodle.unavailable.admin(err.platform))] : [])] };
    }
    const code = refusalCode(err);
    // Moodle said no: what the bot keeps about this person (account, courses) may be out of date.
    if (code) this.deps.cache!.forget(ctx.actor.key);
    if (code && PLUGIN_REFUSALS.has(code)) {
      const course = 'course' in cmd && cmd.course ? cmd.course.raw : '';
      await ctx.audit({ command: cmd.kind, course: course || undefined, target: 'cohort' in cmd ? cmd.cohort : undefined, outcome: 'refused', detail: code }).catch(() => undefined);
      const denied = code === 'onbehalfnopermission' || code === 'nopermissions';
      const message = denied
        ? ((await nonTeacherRefusal(ctx, cmd).catch(() => undefined)) ?? refusalText(ctx, changesCourse(cmd), refusalAbout(cmd), course))
        : code === 'cohortnotavailable'
          ? t.cohortNotFound('cohort' in cmd ? cmd.cohort : '', course)
          : code === 'rolenotassignable'
            ? t.badRole('role' in cmd && cmd.role ? cmd.role.shortname : '')
            : moodleErrorText(err instanceof MoodleError ? err.facts() : { code: exceptionCode(code, undefined).code, platform: 'Moodle', params: {} }, localeOf(t.locale));
      return { tone: 'error', blocks: [text(message)] };
    }
    // The engine refused or failed: its code says why, in the asker's language.
    if (err instanceof SyncRequestError && err.problem) return { tone: 'error', blocks: [text(t.syncProblem(err.problem))] };
    if (err instanceof MoodleError) {
      log.warn({ platform: err.platform, fn: err.function, kind: err.kind, errorcode: err.errorcode }, 'moodle call failed in a chat command');
      if (err.kind === 'transport' || err.kind === 'rest-disabled') return { tone: 'error', blocks: [text(t.moodleDown(err.platform))] };
      return { tone: 'error', blocks: [text(moodleErrorText(err.facts(), localeOf(t.locale)))] };
    }
    log.error({ err: (err as Error).message, command: cmd.kind }, 'chat command failed');
    return { tone: 'error', blocks: [text(t.moodle.internal)] };
  }
}
