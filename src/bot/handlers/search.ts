/** chercher / search: cohorts with member counts, managed or manual, and whether the course can use them. */
import { isManaged } from '../../domain/cohorts';
import type { Cohort } from '../../moodle/api';
import type { CourseRef } from '../commands';
import { fold } from '../commands';
import type { HandlerContext } from '../context';
import { type AvailableCohort, type CourseCohorts, refusalCode } from '../../moodle/cohort-syncs';
import { resolveCourse } from '../resolve';
import { courseRule } from '../authz';
import { TEACHING_PROBE } from '../teaching';
import { View, table, text } from '../views';

const PAGE = 10;

/** Accents and case never matter in what is searched: "medicament" finds "Médicament". */
export const matchesQuery = (query: string, ...fields: Array<string | undefined>): boolean => {
  const f = fold(query.trim());
  return f === '' || fields.some((x) => x !== undefined && fold(x).includes(f));
};

/**
 * The cohorts available to a course for this person (the plugin, as them), matched accent- and
 * case-insensitively here: Moodle's own search is accent-sensitive on PostgreSQL.
 */
async function availableMatching(ctx: HandlerContext, platform: string, courseId: number, query: string): Promise<Row[]> {
  const syncs = await ctx.cohortSyncs(platform);
  const me = ctx.actor.account(platform).id;
  const all = await syncs.availableCohorts(courseId, '', 1000, me);
  // A very large site truncates the full list: Moodle's own search, as typed, covers the rest.
  const extra = all.truncated ? (await syncs.availableCohorts(courseId, query, 1000, me)).cohorts : [];
  return shownOf(ctx, platform, query, all.cohorts, extra);
}

/** A course's available cohorts as a search shows them: the query matched in the full list, plus Moodle's own search past its cut. */
function shownOf(ctx: HandlerContext, platform: string, query: string, all: AvailableCohort[], extra: AvailableCohort[]): Row[] {
  const seen = new Set<number>();
  return [...all.filter((c) => matchesQuery(query, c.name, c.idnumber)), ...extra]
    // Hidden cohorts: admins only, in every command (#28).
    .filter((c) => (c.visible || ctx.actor.has('admin')) && !seen.has(c.id) && seen.add(c.id))
    .map((c) => ({ cohort: { id: c.id, idnumber: c.idnumber, name: c.name, visible: c.visible, description: '', descriptionformat: 1 }, platform, members: c.memberCount }));
}

export async function search(ctx: HandlerContext, query: string, courseRef: CourseRef | undefined, page: number, platform?: string): Promise<View> {
  const t = ctx.t;
  const rebuild = (course?: string, p = page) => t.cmd.search(query, course, p, platform);
  const rows: Array<{ cohort: Cohort; platform: string; members: number; available?: boolean }> = [];
  let courseLabel: string | undefined;
  let courseSpec: string | undefined;
  if (courseRef) {
    // Choices only among the courses this person may search in; "none" reads like a refusal.
    const resolved = await resolveCourse(ctx, courseRef, (c) => rebuild(c), courseRule(ctx, 'write', false, courseRef.raw, 'course'));
    if (!resolved.ok) return resolved.view;
    const { course, label } = resolved.value;
    const platform = resolved.value.platform;
    courseLabel = label;
    courseSpec = `${platform}:${course.shortname}`;
    // The plugin's answer as this person: the cohorts Moodle lets them use here, hidden ones only where they may see them.
    for (const r of await availableMatching(ctx, platform, course.id, query)) rows.push({ ...r, available: true });
  } else if (ctx.actor.has('support')) {
    rows.push(...(await usableCohorts(ctx, query, platform)));
  } else {
    const mine = await teachableCohorts(ctx, query, platform);
    // Someone who teaches nowhere (a student) is refused like any missing right, saying nothing of what exists.
    if (!mine.teaches) {
      await ctx.audit({ command: 'search', outcome: 'refused', detail: 'role' });
      return { tone: 'error', blocks: [text(t.teachersOnly)] };
    }
    rows.push(...mine.rows);
  }
  if (rows.length === 0) {
    ctx.deps.cache?.rememberSearch(ctx.actor.key, undefined);
    return { tone: 'info', blocks: [text(t.searchNone(query))] };
  }
  rows.sort((a, b) => a.cohort.name.localeCompare(b.cohort.name) || a.platform.localeCompare(b.platform));
  const shown = rows.slice((page - 1) * PAGE, page * PAGE);
  // A page past the end (typed by hand) is said as such, never an empty table.
  if (shown.length === 0) return { tone: 'info', blocks: [text(t.help.pastLastPage(page, Math.ceil(rows.length / PAGE)))] };
  const naming = { prefix: ctx.config.cohorts.idnumberPrefix };
  const columns = [...t.searchColumns, ...(courseLabel ? [t.searchAvailableColumn] : [])];
  const body = shown.map((r) => [r.cohort.name, r.cohort.idnumber || '—', r.members, isManaged(naming, r.cohort.idnumber) ? t.managed : t.manual, r.platform, ...(courseLabel ? [r.available ? t.available : t.notAvailable] : [])]);
  const buttons = [];
  // "voir plus" typed rather than clicked is this person's next page (core.ts).
  ctx.deps.cache?.rememberSearch(ctx.actor.key, rows.length > page * PAGE ? { query, course: courseSpec, page: page + 1, platform } : undefined);
  if (rows.length > page * PAGE) buttons.push({ label: `${t.more} (${rows.length - page * PAGE})`, payload: rebuild(courseSpec, page + 1) });
  if (courseSpec && shown.length <= 5) {
    for (const r of shown) buttons.push({ label: `+ ${r.cohort.idnumber || r.cohort.name}`, payload: t.cmd.add(r.cohort.idnumber || r.cohort.name, courseSpec) });
  }
  return { title: t.searchTitle(query), blocks: [table(columns, body), text(t.searchNext(courseSpec))], buttons };
}

type Row = { cohort: Cohort; platform: string; members: number };

/**
 * The cohorts a person may see without naming a course: support and admins every cohort of the sites
 * (hidden ones only for admins, site administrators in Moodle); a teacher those usable in the courses
 * they teach; anyone else none. Also feeds pickers (Slack's cohort field).
 */
export async function usableCohorts(ctx: HandlerContext, query: string, platform?: string): Promise<Row[]> {
  if (!ctx.actor.has('support')) return (await teachableCohorts(ctx, query, platform)).rows;
  const rows: Row[] = [];
  await Promise.all(
    ctx.config.platforms.filter((p) => !platform || p.name === platform).map(async (p) => {
      const api = ctx.api(p.name);
      const found = (await api.getCohorts()).filter((c) => (c.visible || ctx.actor.has('admin')) && matchesQuery(query, c.name, c.idnumber, c.description)).slice(0, 200);
      const counts = found.length ? await api.getCohortMembers(found.map((c) => c.id)) : new Map<number, number[]>();
      for (const c of found) rows.push({ cohort: c, platform: p.name, members: counts.get(c.id)?.length ?? 0 });
    }),
  );
  return rows;
}


/**
 * Without a course, a teacher sees the cohorts they could use in the courses they teach: their courses
 * asked through the plugin as them, all in one call per platform (Moodle refuses, course by course,
 * the ones where they may not add a method).
 */
async function teachableCohorts(ctx: HandlerContext, query: string, platform?: string): Promise<{ rows: Row[]; teaches: boolean }> {
  const byKey = new Map<string, Row>();
  // Moodle let them use at least one of their courses: they teach somewhere (even if nothing matches).
  let teaches = false;
  await Promise.all(
    ctx.config.platforms
      .filter((p) => ctx.actor.hasAccount(p.name) && (!platform || p.name === platform))
      .map(async (p) => {
        const me = ctx.actor.account(p.name);
        // Their courses and the site's plugin at once, then every course in one call (one per course
        // before local_cohortbot 1.4): three round trips at most.
        const [mine, syncs] = await Promise.all([ctx.api(p.name).getUsersCourses(me.id), ctx.cohortSyncs(p.name).catch(() => undefined)]);
        const courses = mine.filter((c) => c.id !== 1).slice(0, TEACHING_PROBE);
        if (courses.length === 0 || !syncs) return;
        const mayNot = (err: unknown): CourseCohorts[] => {
          if (isRefusal(err)) return [];
          throw err;
        };
        // A course Moodle refuses is left out; any other error is said, as it is for a single course.
        const answered = await syncs.availableCohortsMany(courses.map((c) => c.id), '', 1000, me.id).catch(mayNot);
        for (const c of answered) if (c.refused) mayNot(c.refused);
        const usable = answered.filter((c) => !c.refused);
        if (usable.length > 0) teaches = true;
        // A very large site truncates a course's full list: Moodle's own search, as typed, covers the rest.
        const cut = usable.filter((c) => c.truncated).map((c) => c.courseId);
        const extra = cut.length > 0 ? await syncs.availableCohortsMany(cut, query, 1000, me.id).catch(mayNot) : [];
        for (const c of usable) {
          const more = extra.find((x) => x.courseId === c.courseId && !x.refused)?.cohorts ?? [];
          for (const r of shownOf(ctx, p.name, query, c.cohorts, more)) byKey.set(`${p.name}:${r.cohort.id}`, r);
        }
      }),
  );
  return { rows: [...byKey.values()], teaches };
}

/** Moodle says no for this course: it is left out of the list, not an error. */
const isRefusal = (err: unknown): boolean => ['onbehalfnopermission', 'nopermissions', 'requireloginerror'].includes(refusalCode(err) ?? '');
