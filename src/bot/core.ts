/**
 * The command core: message → parse → authorise → handler → View. Teams, Slack and the terminal all
 * call `handle`; none of them holds business logic. Every failure becomes a clear reply, never a crash,
 * and every action or refusal is audited.
 */
import { MoodleError } from '../moodle/errors';
import { CohortSyncRefused, CohortSyncUnavailable } from '../moodle/cohort-syncs';
import { Command, ParseError, parseCommand } from './commands';
import { Actor, BotDeps, HandlerContext, Identity } from './context';
import { catalog, Catalog } from './i18n';
import { add, cancel, confirm, listSyncs, manualInstead, remove, update } from './handlers/cohort-sync';
import { help, status, whoami } from './handlers/general';
import { search } from './handlers/search';
import { supportHandler } from './handlers/support';
import { View, text } from './views';

/** Extra handlers registered by other modules (the support commands). */
export type CommandHandler = (ctx: HandlerContext, cmd: Command) => Promise<View> | undefined;

const PLUGIN_REFUSALS = new Set(['onbehalfnopermission', 'nopermissions', 'cohortnotavailable', 'rolenotassignable', 'groupnotincourse', 'instanceexists', 'cohortnotfound']);

export class BotCore {
  private readonly extra: CommandHandler[] = [];

  constructor(readonly deps: BotDeps) {
    this.use(supportHandler);
  }

  use(handler: CommandHandler): this {
    this.extra.push(handler);
    return this;
  }

  async handle(identity: Identity, input: string): Promise<View> {
    const t = catalog(identity.locale);
    const actor = new Actor(identity, this.deps);
    const parsed = parseCommand(input, { platforms: this.deps.config.platforms.map((p) => p.name) });
    if (!parsed.ok) return this.parseError(t, parsed.error);
    const cmd = parsed.command;
    if (cmd.kind !== 'help' && !actor.known) return { tone: 'error', blocks: [text(t.noIdentity)] };
    const ctx = new HandlerContext(this.deps, actor, t);
    try {
      return await this.dispatch(ctx, cmd);
    } catch (err) {
      return this.failure(ctx, cmd, err);
    }
  }

  private async dispatch(ctx: HandlerContext, cmd: Command): Promise<View> {
    switch (cmd.kind) {
      case 'help':
        return help(ctx);
      case 'whoami':
        return whoami(ctx);
      case 'status':
        return status(ctx, cmd.target);
      case 'search':
        return search(ctx, cmd.query, cmd.course, cmd.page);
      case 'syncs':
        return listSyncs(ctx, cmd.course);
      case 'add':
        return add(ctx, cmd);
      case 'update':
        return update(ctx, cmd);
      case 'remove':
        return remove(ctx, cmd);
      case 'confirm':
        return confirm(ctx, cmd.id);
      case 'cancel':
        return cancel(ctx, cmd.id);
      case 'manual':
        return manualInstead(ctx, cmd.id);
      default:
        for (const h of this.extra) {
          const v = h(ctx, cmd);
          if (v) return v;
        }
        return { tone: 'info', blocks: [text(ctx.t.supportOnly)] };
    }
  }

  private parseError(t: Catalog, e: ParseError): View {
    switch (e.code) {
      case 'empty':
        return { blocks: [text(t.seeHelp)] };
      case 'tooLong':
        return { tone: 'error', blocks: [text(t.tooLong(e.max))] };
      case 'missing':
        return { tone: 'error', blocks: [text(t.missing(e.what, e.example))] };
      case 'badOption':
        return { tone: 'error', blocks: [text(t.badOption(e.option, e.allowed))] };
      case 'badRole':
        return { tone: 'error', blocks: [text(t.badRole(e.role))] };
      case 'unknown':
        return { tone: 'error', blocks: [text([t.unknownCommand(e.input), e.suggestion ? t.didYouMean(e.suggestion) : '', t.seeHelp].filter(Boolean).join(' '))] };
    }
  }

  private async failure(ctx: HandlerContext, cmd: Command, err: unknown): Promise<View> {
    const t = ctx.t;
    const log = this.deps.logger;
    if (err instanceof CohortSyncUnavailable) {
      return { tone: 'error', blocks: [text(err.teacherMessage), ...(ctx.actor.has('admin') ? [text(err.adminMessage)] : [])] };
    }
    const code = err instanceof MoodleError ? err.errorcode : err instanceof CohortSyncRefused ? err.code : undefined;
    if (code && PLUGIN_REFUSALS.has(code)) {
      const course = 'course' in cmd && cmd.course ? cmd.course.raw : '';
      await ctx.audit({ command: cmd.kind, course: course || undefined, target: 'cohort' in cmd ? cmd.cohort : undefined, outcome: 'refused', detail: code }).catch(() => undefined);
      const message =
        code === 'onbehalfnopermission' || code === 'nopermissions'
          ? t.notAllowedCourse(course)
          : code === 'cohortnotavailable'
            ? t.cohortNotFound('cohort' in cmd ? cmd.cohort : '', course)
            : code === 'rolenotassignable'
              ? t.badRole('role' in cmd && cmd.role ? cmd.role.shortname : '')
              : t.moodleError('Moodle', code);
      return { tone: 'error', blocks: [text(message)] };
    }
    if (err instanceof MoodleError) {
      log.warn({ platform: err.platform, fn: err.function, kind: err.kind, errorcode: err.errorcode }, 'moodle call failed in a chat command');
      if (err.kind === 'transport' || err.kind === 'rest-disabled') return { tone: 'error', blocks: [text(t.moodleDown(err.platform))] };
      return { tone: 'error', blocks: [text(t.moodleError(err.platform, err.errorcode ?? err.kind))] };
    }
    log.error({ err: (err as Error).message, command: cmd.kind }, 'chat command failed');
    return { tone: 'error', blocks: [text(t.moodleError('cohortbot', (err as Error).message.slice(0, 200)))] };
  }
}
