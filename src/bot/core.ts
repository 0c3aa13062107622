/**
 * The command core: message → parse → authorise → handler → View. Teams, Slack and the terminal all
 * call `handle`; none of them holds business logic. Every failure becomes a clear reply, never a crash,
 * and every action or refusal is audited.
 */
import { MoodleError } from '../moodle/errors';
import { CohortSyncRefused, CohortSyncUnavailable } from '../moodle/cohort-syncs';
import { Command, ParseError, parseCommand } from './commands';
import { Actor, BotDeps, HandlerContext, Identity } from './context';
import { addForm } from './forms';
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

  /** Called once per handled message (metrics). */
  onCommand?: (channel: string, command: string, outcome: string) => void;

  async handle(identity: Identity, input: string): Promise<View> {
    const { view, kind } = await this.answer(identity, input);
    this.onCommand?.(identity.channel, kind, view.tone ?? 'info');
    return view;
  }

  private async answer(identity: Identity, input: string): Promise<{ view: View; kind: string }> {
    const t = catalog(identity.locale);
    const actor = new Actor(identity, this.deps);
    // "ajouter" alone: the form, for those who would rather click than type.
    if (/^\s*(ajouter|add)\s*$/i.test(input)) return { view: { blocks: [{ type: 'form', form: addForm(identity.locale) }] }, kind: 'add' };
    const parsed = parseCommand(input, { platforms: this.deps.config.platforms.map((p) => p.name) });
    if (!parsed.ok) return { view: this.parseError(t, parsed.error), kind: 'unparsed' };
    const cmd = parsed.command;
    if (cmd.kind !== 'help' && !actor.known) return { view: { tone: 'error', blocks: [text(t.noIdentity)] }, kind: cmd.kind };
    const ctx = new HandlerContext(this.deps, actor, t);
    try {
      return { view: await this.dispatch(ctx, cmd), kind: cmd.kind };
    } catch (err) {
      return { view: await this.failure(ctx, cmd, err), kind: cmd.kind };
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
