/** core_cohort_* as in cohort/externallib.php of Moodle 4.5, with the quirks of docs/moodle.md §0, §2. */
import { DEFAULT, Desc, OPTIONAL, codingError, invalidParameter, invalidUser, multiple, single, value } from '../desc';
import { CohortRow, Context, SYSTEM, Site, UserRow, contextId } from '../model';
import { CORE_VERSION, WsFunction, define } from './types';

const customfieldsOut = multiple(single({ name: value('text'), shortname: value('alphanumext'), type: value('alphanumext'), valueraw: value('raw'), value: value('raw') }), OPTIONAL);
const cohortOut = (withCustomfields: boolean): Desc =>
  single({
    id: value('int'),
    name: value('raw'),
    idnumber: value('raw'),
    description: value('raw'),
    descriptionformat: value('int'),
    visible: value('bool'),
    theme: value('text', OPTIONAL),
    ...(withCustomfields ? { customfields: customfieldsOut } : {}),
  });

const categorytypeIn = single({ type: value('text'), value: value('raw') });
const cohortFieldsIn = {
  categorytype: categorytypeIn,
  name: value('raw'),
  idnumber: value('raw'),
  description: value('raw', OPTIONAL),
  descriptionformat: value('int', DEFAULT(1)),
  visible: value('bool', OPTIONAL),
  theme: value('text', OPTIONAL),
  customfields: multiple(single({ shortname: value('alphanumext'), value: value('raw') }), OPTIONAL),
};

interface CohortIn {
  id?: number;
  categorytype: { type: string; value: string };
  name: string;
  idnumber: string;
  description?: string;
  descriptionformat: number;
  visible?: boolean;
  theme?: string;
}

const exportCohort = (c: CohortRow, withCustomfields: boolean) => ({
  id: c.id,
  name: c.name,
  idnumber: c.idnumber,
  description: c.description,
  descriptionformat: c.descriptionformat,
  visible: c.visible,
  theme: c.theme,
  ...(withCustomfields ? { customfields: [] } : {}),
});

/** categorytype → context, with Moodle's checks and messages. */
function resolveCategory(site: Site, ct: { type: string; value: string }): Context {
  if (!['idnumber', 'id', 'system'].includes(ct.type)) throw invalidParameter(`category type must be id, idnumber or system:${ct.type}`);
  if (ct.type === 'system') return SYSTEM;
  const cat = ct.type === 'id' ? site.categories.get(Number(ct.value)) : site.categories.first('idnumber', ct.value);
  if (!cat || (ct.type === 'id' && !/^\d+$/.test(ct.value))) throw invalidParameter(`category not exists: category ${ct.type} = ${ct.value}`);
  return { level: 'coursecat', instanceid: cat.id };
}

/** core_cohort's read check: moodle/cohort:manage or moodle/cohort:view in the cohort's context. */
export function requireViewOrManage(site: Site, caller: UserRow, ctx: Context, cap = 'moodle/cohort:view'): void {
  if (!site.hasCapability('moodle/cohort:manage', ctx, caller.id) && !site.hasCapability('moodle/cohort:view', ctx, caller.id)) {
    site.requireCapability(cap, ctx, caller.id);
  }
}

export const cohortFunctions: WsFunction[] = [
  define({
    name: 'core_cohort_get_cohorts',
    version: CORE_VERSION,
    params: { cohortids: multiple(value('int'), DEFAULT([])) },
    returns: multiple(cohortOut(true)),
    execute(site, caller, args: { cohortids: number[] }) {
      const rows = args.cohortids.length === 0 ? site.cohorts.all() : args.cohortids.map((id) => site.cohorts.get(id)).filter((c): c is CohortRow => c !== undefined);
      const unique = [...new Map(rows.map((c) => [c.id, c])).values()].sort((a, b) => a.id - b.id);
      for (const c of unique) requireViewOrManage(site, caller, site.cohortContext(c));
      return unique.map((c) => exportCohort(c, true));
    },
  }),

  define({
    name: 'core_cohort_create_cohorts',
    version: CORE_VERSION,
    params: { cohorts: multiple(single(cohortFieldsIn)) },
    returns: multiple(cohortOut(false)),
    execute(site, caller, args: { cohorts: CohortIn[] }) {
      return args.cohorts.map((c) => {
        const ctx = resolveCategory(site, c.categorytype);
        if (site.cohorts.first('idnumber', c.idnumber) !== undefined) throw invalidParameter(`record already exists: idnumber=${c.idnumber}`);
        site.requireCapability('moodle/cohort:manage', ctx, caller.id);
        if (c.name.trim() === '') throw invalidParameter('name cannot be empty');
        const row = site.cohorts.insert({
          contextlevel: ctx.level === 'system' ? 'system' : 'coursecat',
          categoryid: ctx.instanceid,
          name: c.name,
          idnumber: c.idnumber,
          description: c.description ?? '',
          descriptionformat: c.descriptionformat,
          visible: c.visible ?? true,
          component: '',
          theme: c.theme ?? '',
          timecreated: site.now(),
        });
        return exportCohort(row, false);
      });
    },
  }),

  define({
    name: 'core_cohort_update_cohorts',
    version: CORE_VERSION,
    params: { cohorts: multiple(single({ id: value('int'), ...cohortFieldsIn })) },
    returns: null,
    execute(site, caller, args: { cohorts: Array<CohortIn & { id: number }> }) {
      for (const c of args.cohorts) {
        const old = site.requireCohort(c.id);
        const ctx = resolveCategory(site, c.categorytype);
        site.requireCapability('moodle/cohort:manage', site.cohortContext(old), caller.id);
        if (contextId(ctx) !== contextId(site.cohortContext(old))) site.requireCapability('moodle/cohort:manage', ctx, caller.id);
        if (c.name.trim() === '') throw invalidParameter('name cannot be empty');
        // Moodle does not check idnumber uniqueness on update (reference §0.9).
        site.cohorts.update(c.id, {
          contextlevel: ctx.level === 'system' ? 'system' : 'coursecat',
          categoryid: ctx.instanceid,
          name: c.name,
          idnumber: c.idnumber,
          description: c.description ?? old.description,
          descriptionformat: c.descriptionformat,
          visible: c.visible ?? old.visible,
          theme: c.theme ?? old.theme,
        });
      }
      return null;
    },
  }),

  define({
    name: 'core_cohort_delete_cohorts',
    version: CORE_VERSION,
    params: { cohortids: multiple(value('int')) },
    returns: null,
    execute(site, caller, args: { cohortids: number[] }) {
      for (const id of args.cohortids) {
        const c = site.requireCohort(id);
        site.requireCapability('moodle/cohort:manage', site.cohortContext(c), caller.id);
        site.deleteCohort(id);
      }
      return null;
    },
  }),

  define({
    name: 'core_cohort_search_cohorts',
    version: CORE_VERSION,
    params: {
      query: value('raw'),
      context: single({ contextid: value('int', DEFAULT(0)), contextlevel: value('alphanumext', DEFAULT('')), instanceid: value('int', DEFAULT(0)) }),
      includes: value('alpha', DEFAULT('parents')),
      limitfrom: value('int', DEFAULT(0)),
      limitnum: value('int', DEFAULT(25)),
    },
    returns: single({ cohorts: multiple(cohortOut(true)) }),
    execute(site, caller, args: { query: string; context: { contextid: number; contextlevel: string; instanceid: number }; includes: string; limitfrom: number; limitnum: number }) {
      if (!['parents', 'self', 'all'].includes(args.includes)) throw codingError('Invalid parameter value for \'includes\'.');
      const ctx = contextFromParams(site, args.context);
      requireViewOrManage(site, caller, ctx);
      const q = args.query.toLowerCase();
      const matches = (c: CohortRow) => q === '' || [c.name, c.idnumber, c.description].some((f) => f.toLowerCase().includes(q));
      const inContext = (c: CohortRow, x: Context) => contextId(site.cohortContext(c)) === contextId(x);
      const byName = (a: CohortRow, b: CohortRow) => a.name.localeCompare(b.name) || a.idnumber.localeCompare(b.idnumber);
      // limitfrom is a page index for the context's own cohorts (the library multiplies it by limitnum).
      const page = <T>(rows: T[], from: number) => rows.slice(from, from + args.limitnum);
      if (args.includes === 'all') {
        const all = site.cohorts.all().filter(matches).filter((c) => ctx.level === 'system' || site.contextChain(site.cohortContext(c)).some((x) => contextId(x) === contextId(ctx)));
        return { cohorts: page(all.sort(byName), args.limitfrom * args.limitnum).map((c) => exportCohort(c, true)) };
      }
      const own = site.cohorts.all().filter((c) => inContext(c, ctx) && matches(c)).sort(byName);
      const ownPage = page(own, args.limitfrom * args.limitnum).map((c) => exportCohort(c, true));
      if (args.includes === 'self') return { cohorts: ownPage };
      // Parent-context cohorts come from cohort_get_available_cohorts, paged by offset, and are
      // exported without theme and with an empty description (format 2), as recorded on 4.5.6.
      const parentCtxs = site.contextChain(ctx).slice(1);
      const parents = parentCtxs
        .flatMap((pc) => {
          const canView = site.hasCapability('moodle/cohort:view', pc, caller.id);
          return site.cohorts.all().filter((c) => inContext(c, pc) && (c.visible || canView));
        })
        .filter(matches)
        .sort(byName);
      const merged = new Map<number, unknown>(ownPage.map((c) => [c.id, c]));
      for (const c of page(parents, args.limitfrom)) {
        if (!merged.has(c.id)) merged.set(c.id, { id: c.id, name: c.name, idnumber: c.idnumber, description: '', descriptionformat: 2, visible: c.visible, customfields: [] });
      }
      return { cohorts: [...merged.values()] };
    },
  }),

  define({
    name: 'core_cohort_add_cohort_members',
    version: CORE_VERSION,
    params: { members: multiple(single({ cohorttype: single({ type: value('alphanumext'), value: value('raw') }), usertype: single({ type: value('alphanumext'), value: value('raw') }) })) },
    returns: single({ warnings: multiple(single({ item: value('text', OPTIONAL), itemid: value('int', OPTIONAL), warningcode: value('raw'), message: value('raw') }), OPTIONAL) }),
    execute(site, caller, args: { members: Array<{ cohorttype: { type: string; value: string }; usertype: { type: string; value: string } }> }) {
      const warnings: Array<{ warningcode: string; message: string }> = [];
      for (const { cohorttype, usertype } of args.members) {
        if (cohorttype.type !== 'id' && cohorttype.type !== 'idnumber') {
          warnings.push({ warningcode: '1', message: `invalid parameter: cohortype=${cohorttype.type}` });
          continue;
        }
        if (usertype.type !== 'id' && usertype.type !== 'username') {
          warnings.push({ warningcode: '1', message: `invalid parameter: usertype=${usertype.type}` });
          continue;
        }
        const cohort = cohorttype.type === 'id' ? site.cohorts.get(Number(cohorttype.value)) : site.cohorts.first('idnumber', cohorttype.value);
        if (!cohort) {
          warnings.push({ warningcode: '2', message: `cohort ${cohorttype.type}=${cohorttype.value} not exists` });
          continue;
        }
        const user = usertype.type === 'id' ? site.liveUser(Number(usertype.value)) : site.users.find('username', usertype.value).find((u) => !u.deleted);
        if (!user) {
          warnings.push({ warningcode: '2', message: `user ${usertype.type}=${usertype.value} not exists` });
          continue;
        }
        if (site.isMember(cohort.id, user.id)) {
          warnings.push({ warningcode: '3', message: `record already exists: cohort(${cohorttype.type}=${cohorttype.value} ${usertype.type}=${usertype.value})` });
          continue;
        }
        const ctx = site.cohortContext(cohort);
        if (!site.hasCapability('moodle/cohort:manage', ctx, caller.id) && !site.hasCapability('moodle/cohort:assign', ctx, caller.id)) {
          site.requireCapability('moodle/cohort:assign', ctx, caller.id);
        }
        site.addMember(cohort.id, user.id);
      }
      return { warnings };
    },
  }),

  define({
    name: 'core_cohort_delete_cohort_members',
    version: CORE_VERSION,
    params: { members: multiple(single({ cohortid: value('int'), userid: value('int') })) },
    returns: null,
    execute(site, caller, args: { members: Array<{ cohortid: number; userid: number }> }) {
      for (const m of args.members) {
        const cohort = site.requireCohort(m.cohortid);
        if (!site.liveUser(m.userid)) throw invalidUser();
        const ctx = site.cohortContext(cohort);
        if (!site.hasCapability('moodle/cohort:manage', ctx, caller.id) && !site.hasCapability('moodle/cohort:assign', ctx, caller.id)) {
          site.requireCapability('moodle/cohort:assign', ctx, caller.id);
        }
        site.removeMember(cohort.id, m.userid);
      }
      return null;
    },
  }),

  define({
    name: 'core_cohort_get_cohort_members',
    version: CORE_VERSION,
    params: { cohortids: multiple(value('int')) },
    returns: multiple(single({ cohortid: value('int'), userids: multiple(value('int')) })),
    execute(site, caller, args: { cohortids: number[] }) {
      return args.cohortids.map((id) => {
        const cohort = site.requireCohort(id);
        requireViewOrManage(site, caller, site.cohortContext(cohort));
        return { cohortid: id, userids: site.cohortMemberIds(id) };
      });
    },
  }),
];

/** external_api::get_context_from_params(). */
export function contextFromParams(site: Site, p: { contextid: number; contextlevel: string; instanceid: number }): Context {
  if (p.contextid > 0) {
    if (p.contextid === 1) return SYSTEM;
    if (p.contextid > 200_000 && site.courses.get(p.contextid - 200_000)) return { level: 'course', instanceid: p.contextid - 200_000 };
    if (p.contextid > 100_000 && site.categories.get(p.contextid - 100_000)) return { level: 'coursecat', instanceid: p.contextid - 100_000 };
    throw invalidParameter('Context does not exist');
  }
  const level = { system: 'system', '10': 'system', coursecat: 'coursecat', '40': 'coursecat', course: 'course', '50': 'course' }[p.contextlevel];
  if (level === undefined || p.contextlevel === '') throw invalidParameter('Missing parameters, please provide either context level with instance id or contextid');
  if (level === 'system') return SYSTEM;
  if (level === 'coursecat') {
    if (!site.categories.get(p.instanceid)) throw invalidParameter('Context does not exist');
    return { level: 'coursecat', instanceid: p.instanceid };
  }
  if (!site.courses.get(p.instanceid)) throw invalidParameter('Context does not exist');
  return { level: 'course', instanceid: p.instanceid };
}
