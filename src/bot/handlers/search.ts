/** chercher / search: cohorts with member counts, managed or manual, and whether the course can use them. */
import { isManaged } from '../../domain/cohorts';
import type { Cohort } from '../../moodle/api';
import type { CourseRef } from '../commands';
import type { HandlerContext } from '../context';
import { q, resolveCourse } from '../resolve';
import { View, table, text } from '../views';

const PAGE = 10;

export async function search(ctx: HandlerContext, query: string, courseRef: CourseRef | undefined, page: number): Promise<View> {
  const t = ctx.t;
  const rebuild = (course?: string, p = page) => `chercher ${q(query)}${course ? ` dans ${q(course)}` : ''}${p > 1 ? ` page ${p}` : ''}`;
  const rows: Array<{ cohort: Cohort; platform: string; members: number; available?: boolean }> = [];
  let courseLabel: string | undefined;
  let courseSpec: string | undefined;
  if (courseRef) {
    const resolved = await resolveCourse(ctx, courseRef, (c) => rebuild(c));
    if (!resolved.ok) return resolved.view;
    const { platform, course, label } = resolved.value;
    courseLabel = label;
    courseSpec = `${platform}:${course.shortname}`;
    const me = await ctx.actor.moodleUser(platform);
    const syncs = await ctx.cohortSyncs(platform);
    const available = await syncs.availableCohorts(course.id, query, 200, me?.id);
    for (const c of available.cohorts) rows.push({ cohort: { id: c.id, idnumber: c.idnumber, name: c.name, visible: c.visible, description: '', descriptionformat: 1 }, platform, members: c.memberCount, available: true });
  } else {
    await Promise.all(
      ctx.config.platforms.map(async (p) => {
        const api = ctx.api(p.name);
        const found = await api.searchCohorts(query, { contextlevel: 'system', instanceid: 0 }, 'all', 0, 200);
        const counts = found.length ? await api.getCohortMembers(found.map((c) => c.id)) : new Map<number, number[]>();
        for (const c of found) rows.push({ cohort: c, platform: p.name, members: counts.get(c.id)?.length ?? 0 });
      }),
    );
  }
  if (rows.length === 0) return { tone: 'info', blocks: [text(t.searchNone(query))] };
  rows.sort((a, b) => a.cohort.name.localeCompare(b.cohort.name) || a.platform.localeCompare(b.platform));
  const shown = rows.slice((page - 1) * PAGE, page * PAGE);
  const naming = { prefix: ctx.config.cohorts.idnumberPrefix };
  const columns = [...t.searchColumns, ...(courseLabel ? [t.searchAvailableColumn] : [])];
  const body = shown.map((r) => [r.cohort.name, r.cohort.idnumber || '—', r.members, isManaged(naming, r.cohort.idnumber) ? t.managed : t.manual, r.platform, ...(courseLabel ? [r.available ? t.available : t.notAvailable] : [])]);
  const buttons = [];
  if (rows.length > page * PAGE) buttons.push({ label: `${t.more} (${rows.length - page * PAGE})`, payload: rebuild(courseSpec, page + 1) });
  if (courseSpec && shown.length <= 5) {
    for (const r of shown) buttons.push({ label: `+ ${r.cohort.idnumber || r.cohort.name}`, payload: `ajouter ${q(r.cohort.idnumber || r.cohort.name)} à ${q(courseSpec)}` });
  }
  return { title: t.searchTitle(query), blocks: [table(columns, body), text(t.searchNext(courseLabel))], buttons };
}
