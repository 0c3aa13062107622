/**
 * The one authorisation step. Every command declares its policy here; the core checks it before any
 * handler runs, so a handler never sees a person it should not serve:
 *   anyone   — help, who am I: no Moodle lookup, nothing personal
 *   account  — a verified person: exactly one live Moodle account somewhere
 *   course   — a verified person whom Moodle allows in that course (read: see its enrolment methods;
 *              write: configure cohort sync), asked as that person, before anything about the course is said
 *   support / admin — from configuration, and only for a verified person
 * When in doubt it refuses and says what to do; every refusal is audited.
 */
import type { Command, CourseRef } from './commands';
import { parseCourse } from './commands';
import type { HandlerContext } from './context';
import type { MoodleUser } from '../moodle/api';
import { type CohortSyncs, refusalCode } from '../moodle/cohort-syncs';
import type { ResolvedCourse } from './resolve';
import { CourseAccessRule, resolveCourse } from './resolve';
import { View, text } from './views';
import type { Catalog } from '../i18n';
import { teachesSomewhere } from './teaching';

export type Policy =
  | { who: 'anyone' }
  | { who: 'account' }
  | { who: 'support' }
  | { who: 'admin' }
  /** `staff`: support and admins skip the course check (they get the full chain, read-only). */
  | { who: 'course'; rights: 'read' | 'write'; staff?: boolean };

export const POLICIES: { [K in Command['kind']]: Policy } = {
  help: { who: 'anyone' },
  whoami: { who: 'anyone' },
  status: { who: 'account' },
  search: { who: 'account' },
  // A confirmation re-runs its action as the person, whose rights Moodle checks again.
  confirm: { who: 'account' },
  cancel: { who: 'account' },
  manual: { who: 'account' },
  syncs: { who: 'course', rights: 'read' },
  add: { who: 'course', rights: 'write' },
  update: { who: 'course', rights: 'write' },
  remove: { who: 'course', rights: 'write' },
  why: { who: 'course', rights: 'read', staff: true },
  // One student: support; a cohort, a platform or everything: admin (checked once the target is known).
  sync: { who: 'support' },
  history: { who: 'support' },
  members: { who: 'support' },
  createCohort: { who: 'support' },
  addMembers: { who: 'support' },
  removeMembers: { who: 'support' },
  approve: { who: 'admin' },
  reject: { who: 'admin' },
  summaryHere: { who: 'admin' },
  // A person's own notices and questions (#32): nobody else's data is ever read for them.
  notifications: { who: 'account' },
  myCourses: { who: 'account' },
  selfWhy: { who: 'account' },
  changes: { who: 'course', rights: 'read' },
};

/** Whether a command changes a course (a refusal then says "cannot change", a question's "cannot see"). */
export function changesCourse(cmd: Command): boolean {
  const policy = POLICIES[cmd.kind];
  return cmd.kind === 'confirm' || (policy.who === 'course' && policy.rights === 'write');
}

/** The course a command is about, as the person may see it. */
export interface CourseAccess extends ResolvedCourse {
  me: MoodleUser;
  syncs: CohortSyncs;
  /** For "add <course> <cohort>" typed the other way round: the cohort reference after the swap. */
  cohortRef?: string;
}

export type Decision = { ok: true; course?: CourseAccess } | { ok: false; view: View };

const refused = async (ctx: HandlerContext, cmd: Command, message: string, detail: string): Promise<Decision> => {
  await ctx.audit({ command: cmd.kind, outcome: 'refused', detail }).catch(() => undefined);
  return { ok: false, view: { tone: 'error', blocks: [text(message)] } };
};

export async function authorize(ctx: HandlerContext, cmd: Command): Promise<Decision> {
  const policy = POLICIES[cmd.kind];
  const { actor, t } = ctx;
  if (policy.who === 'anyone') return { ok: true };
  if (!actor.verified) return refused(ctx, cmd, t.accountProblem(actor.mainProblem), actor.mainProblem);
  if (policy.who === 'account') return { ok: true };
  if (policy.who === 'support') return actor.has('support') ? { ok: true } : refused(ctx, cmd, t.supportOnly, 'role');
  if (policy.who === 'admin') return actor.has('admin') ? { ok: true } : refused(ctx, cmd, t.adminOnly, 'role');
  if (policy.staff && actor.has('support')) return { ok: true };
  const decision = await courseAccess(ctx, cmd, policy.rights);
  if (decision.ok || decision.view.tone !== 'error') return decision;
  // Not found, not theirs, nothing to choose from: to someone who teaches nothing, the words of a student's refusal.
  // (Moodle unable to say whether they teach: the usual words.)
  const forStudent = await nonTeacherRefusal(ctx, cmd).catch(() => undefined);
  return forStudent ? { ok: false, view: { tone: 'error', blocks: [text(forStudent)] } } : decision;
}

/**
 * A course command (every `course` policy: `méthodes`, `ajouter`, `modifier`, `retirer`, `pourquoi`,
 * `changements`) refused to someone who teaches no course (a student): phrased for them like
 * `chercher`'s refusal, with what they may ask instead, the same whether or not the course exists.
 * Undefined for teachers, support and admins (their refusal names the course), and for anyone with an
 * account Moodle cannot vouch for somewhere. Asked of Moodle only when refusing.
 */
export async function nonTeacherRefusal(ctx: HandlerContext, cmd: Command): Promise<string | undefined> {
  if (POLICIES[cmd.kind].who !== 'course') return undefined;
  // An account suspended, ambiguous or unreachable somewhere: whether they teach cannot be told (a
  // suspended teacher is no student), and their refusal says what is wrong with that account.
  if ([...ctx.actor.problems.values()].some((p) => p !== 'none')) return undefined;
  if (ctx.actor.has('support') || ctx.actor.has('admin') || (await teachesSomewhere(ctx))) return undefined;
  const t = ctx.t;
  return `${t.teachersOnly} ${cmd.kind === 'why' ? t.notices.forYourself : t.notices.yourCourses}`;
}

/** The command's course reference and how to write the command again with another course (choice buttons). */
function courseOf(cmd: Command, t: Catalog): { ref: CourseRef; rebuild: (course: string) => string } | undefined {
  // Written in the asker's language (src/i18n/*/commands.ts), with the options they typed.
  switch (cmd.kind) {
    case 'syncs':
      return { ref: cmd.course, rebuild: (c) => t.cmd.syncs(c) };
    case 'add':
      return { ref: cmd.course, rebuild: (c) => t.cmd.add(cmd.cohort, c, { role: cmd.role?.shortname, group: cmd.group, name: cmd.name, inactive: cmd.inactive }) };
    case 'update':
      return { ref: cmd.course, rebuild: (c) => t.cmd.update(cmd.cohort, c, { role: cmd.role?.shortname, group: cmd.group, name: cmd.name, enabled: cmd.enabled }) };
    case 'remove':
      return { ref: cmd.course, rebuild: (c) => t.cmd.remove(cmd.cohort, c) };
    case 'why':
      return { ref: cmd.course, rebuild: (c) => t.cmd.why(cmd.student, c) };
    case 'changes':
      return { ref: cmd.course, rebuild: (c) => t.cmd.changes(c) };
    default:
      return undefined;
  }
}

/**
 * Which candidate courses a person may be offered, and what "none" reads like: to someone without
 * rights, exactly the words of a refusal, so a name's existence is never confirmed (#28).
 */
export function courseRule(ctx: HandlerContext, rights: 'read' | 'write', changes: boolean, raw: string, about: RefusalAbout = 'methods'): CourseAccessRule {
  return {
    unavailable: refusalText(ctx, changes, about, raw),
    mayUse: async (rc) => {
      if (!ctx.actor.hasAccount(rc.platform)) return false;
      const syncs = await ctx.cohortSyncs(rc.platform).catch(() => undefined);
      if (!syncs) return false;
      return syncs.checkRights(rc.course.id, ctx.actor.account(rc.platform).id, rights).then(
        () => true,
        (err: unknown) => {
          if (refusalCode(err) !== undefined) return false;
          throw err;
        },
      );
    },
  };
}

/**
 * What a refusal about a course says. A question that is not about enrolment methods (`pourquoi`,
 * `chercher … dans`) says nothing of them: only that no such course is among the person's.
 */
export function refusalText(ctx: HandlerContext, changes: boolean, about: RefusalAbout, raw: string): string {
  const t = ctx.t;
  if (about === 'changes') return ctx.actor.has('support') ? t.notices.changesNotYoursSupport(raw) : t.notices.changesNotYours(raw);
  if (ctx.actor.has('support')) return t.notAllowedCourseSupport(raw);
  if (about === 'course') return t.help.notYourCourse(raw);
  return changes ? t.notAllowedCourse(raw) : t.notAllowedCourseView(raw);
}

/** What a refused command was asking about: its enrolment methods, the course itself, or its recent changes. */
export type RefusalAbout = 'methods' | 'course' | 'changes';

/** Commands whose question is about a course, not its enrolment methods. */
export const asksAboutCourse = (cmd: Command): boolean => cmd.kind === 'why' || cmd.kind === 'search';

/** What a refusal of this command is about (its words: refusalText). */
export const refusalAbout = (cmd: Command): RefusalAbout => (cmd.kind === 'changes' ? 'changes' : asksAboutCourse(cmd) ? 'course' : 'methods');

async function courseAccess(ctx: HandlerContext, cmd: Command, rights: 'read' | 'write'): Promise<Decision> {
  const of = courseOf(cmd, ctx.t);
  if (!of) throw new Error(`policy "course" for ${cmd.kind}, which names no course`);
  let resolved = await resolveCourse(ctx, of.ref, of.rebuild, courseRule(ctx, rights, changesCourse(cmd), of.ref.raw, refusalAbout(cmd)));
  let cohortRef: string | undefined;
  if (!resolved.ok && cmd.kind === 'add' && !cmd.orderKnown) {
    // "add <cohort> <course>" without à/to: try the other way round before giving up.
    const swappedRef = parseCourse(cmd.cohort, ctx.config.platforms.map((p) => p.name));
    const swapped = await resolveCourse(ctx, swappedRef, (c) => ctx.t.cmd.add(cmd.course.raw, c, { role: cmd.role?.shortname, group: cmd.group, name: cmd.name, inactive: cmd.inactive }), courseRule(ctx, rights, true, swappedRef.raw));
    if (swapped.ok) {
      resolved = swapped;
      cohortRef = cmd.course.raw;
    }
  }
  if (!resolved.ok) return resolved;
  const rc = resolved.value;
  if (!ctx.actor.hasAccount(rc.platform)) return refused(ctx, cmd, ctx.t.accountProblemOn(ctx.actor.problems.get(rc.platform) ?? 'none', rc.platform), 'account');
  const me = ctx.actor.account(rc.platform);
  const syncs = await ctx.cohortSyncs(rc.platform);
  // Moodle answers as the person; a refusal surfaces as the typed error the core turns into "not your course".
  await syncs.checkRights(rc.course.id, me.id, rights);
  return { ok: true, course: { ...rc, me, syncs, cohortRef } };
}
