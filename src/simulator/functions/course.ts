/** core_course_* functions: courses by field, search, categories, and the creators used by scenarios. */
import { DEFAULT, Desc, OPTIONAL, invalidParameter, moodleException, multiple, single, value } from '../desc';
import { CourseRow, SYSTEM, Site } from '../model';
import { CORE_VERSION, WsFunction, define } from './types';

const warningsOut = multiple(single({ item: value('text', OPTIONAL), itemid: value('int', OPTIONAL), warningcode: value('raw'), message: value('raw') }), OPTIONAL);
const fileList = multiple(single({ filename: value('text', OPTIONAL), fileurl: value('text', OPTIONAL) }), OPTIONAL);
const filtersOut = multiple(single({ filter: value('text'), localstate: value('int'), inheritedstate: value('int') }), OPTIONAL);

const searchCourseKeys: Record<string, Desc> = {
  id: value('int'),
  fullname: value('text'),
  displayname: value('text'),
  shortname: value('text'),
  courseimage: value('raw', OPTIONAL),
  categoryid: value('int'),
  categoryname: value('text'),
  sortorder: value('int', OPTIONAL),
  summary: value('raw'),
  summaryformat: value('int'),
  summaryfiles: fileList,
  overviewfiles: fileList,
  showactivitydates: value('bool', OPTIONAL),
  showcompletionconditions: value('bool', OPTIONAL),
  contacts: multiple(single({ id: value('int'), fullname: value('text') })),
  enrollmentmethods: multiple(value('text')),
};

const fullCourseOut = single({
  ...searchCourseKeys,
  idnumber: value('raw', OPTIONAL),
  format: value('text', OPTIONAL),
  showgrades: value('int', OPTIONAL),
  newsitems: value('int', OPTIONAL),
  startdate: value('int', OPTIONAL),
  enddate: value('int', OPTIONAL),
  maxbytes: value('int', OPTIONAL),
  showreports: value('int', OPTIONAL),
  visible: value('int', OPTIONAL),
  groupmode: value('int', OPTIONAL),
  groupmodeforce: value('int', OPTIONAL),
  defaultgroupingid: value('int', OPTIONAL),
  enablecompletion: value('int', OPTIONAL),
  completionnotify: value('int', OPTIONAL),
  lang: value('text', OPTIONAL),
  theme: value('text', OPTIONAL),
  marker: value('int', OPTIONAL),
  legacyfiles: value('int', OPTIONAL),
  calendartype: value('text', OPTIONAL),
  timecreated: value('int', OPTIONAL),
  timemodified: value('int', OPTIONAL),
  requested: value('int', OPTIONAL),
  cacherev: value('int', OPTIONAL),
  filters: filtersOut,
  courseformatoptions: multiple(single({ name: value('alpha'), value: value('raw') }), OPTIONAL),
});

const categoryOut = single({
  id: value('int'),
  name: value('text'),
  idnumber: value('raw', OPTIONAL),
  description: value('raw'),
  descriptionformat: value('int'),
  parent: value('int'),
  sortorder: value('int'),
  coursecount: value('int'),
  visible: value('int', OPTIONAL),
  visibleold: value('int', OPTIONAL),
  timemodified: value('int', OPTIONAL),
  depth: value('int'),
  path: value('text'),
  theme: value('text', OPTIONAL),
});

const DEFAULT_FILTERS = ['displayh5p', 'activitynames', 'mathjaxloader', 'emoticon', 'urltolink', 'mediaplugin'].map((filter) => ({ filter, localstate: 0, inheritedstate: 1 }));

export const SITE_COURSE_ID = 1;

export function courseSortorder(site: Site, c: CourseRow): number {
  if (c.id === SITE_COURSE_ID) return 1;
  const cat = site.categories.get(c.categoryid);
  const siblings = site.courses.find('category', c.categoryid).sort((a, b) => a.id - b.id);
  return (cat?.sortorder ?? 0) + siblings.findIndex((s) => s.id === c.id) + 1;
}

/** Names of the enrolment plugins with an enabled instance in the course. */
export function enrolmentMethods(site: Site, courseId: number): string[] {
  return [...new Set(site.enrol.find('course', courseId).filter((i) => i.status === 0).sort((a, b) => a.sortorder - b.sortorder).map((i) => i.enrol))];
}

function contacts(site: Site, courseId: number) {
  const editing = site.roles.first('shortname', 'editingteacher')?.id;
  const ids = new Set(site.roleAssignments.find('ctx', `course:${courseId}`).filter((ra) => ra.roleid === editing).map((ra) => ra.userid));
  return [...ids].sort((a, b) => a - b).map((id) => site.users.get(id)).filter((u) => u && !u.deleted).map((u) => ({ id: u!.id, fullname: site.fullname(u!) }));
}

function exportSearchCourse(site: Site, c: CourseRow, wwwroot: string) {
  const isSite = c.id === SITE_COURSE_ID;
  return {
    id: c.id,
    fullname: c.fullname,
    displayname: c.fullname,
    shortname: c.shortname,
    courseimage: `${wwwroot}/pluginfile.php/${c.id}/course/generated/course.svg`,
    categoryid: isSite ? 0 : c.categoryid,
    categoryname: isSite ? '' : (site.categories.get(c.categoryid)?.name ?? ''),
    sortorder: courseSortorder(site, c),
    summary: c.summary,
    summaryformat: isSite ? 0 : 1,
    summaryfiles: [],
    overviewfiles: [],
    showactivitydates: false,
    showcompletionconditions: isSite ? null : true,
    contacts: isSite ? [] : contacts(site, c.id),
    enrollmentmethods: isSite ? [] : enrolmentMethods(site, c.id),
  };
}

function exportFullCourse(site: Site, c: CourseRow, wwwroot: string) {
  const isSite = c.id === SITE_COURSE_ID;
  return {
    ...exportSearchCourse(site, c, wwwroot),
    idnumber: c.idnumber,
    format: c.format,
    showgrades: 1,
    newsitems: isSite ? 3 : 1,
    startdate: c.startdate,
    enddate: c.enddate,
    maxbytes: 0,
    showreports: 0,
    visible: c.visible ? 1 : 0,
    groupmode: 0,
    groupmodeforce: 0,
    defaultgroupingid: 0,
    enablecompletion: 0,
    completionnotify: 0,
    lang: '',
    theme: '',
    marker: 0,
    legacyfiles: 0,
    calendartype: '',
    timecreated: c.timecreated,
    timemodified: c.timecreated,
    requested: 0,
    cacherev: c.timecreated,
    filters: DEFAULT_FILTERS,
    ...(isSite ? {} : { courseformatoptions: [{ name: 'hiddensections', value: 1 }, { name: 'coursedisplay', value: 0 }, { name: 'indentation', value: '1' }] }),
  };
}

export function courseFunctions(wwwroot: () => string): WsFunction[] {
  return [
    define({
      name: 'core_course_get_courses_by_field',
      version: CORE_VERSION,
      params: { field: value('alpha', DEFAULT('')), value: value('raw', DEFAULT('')) },
      returns: single({ courses: multiple(fullCourseOut), warnings: warningsOut }),
      execute(site, _caller, args: { field: string; value: string }) {
        let rows: CourseRow[];
        switch (args.field) {
          case '':
            rows = site.courses.all();
            break;
          case 'id':
            rows = site.courses.all().filter((c) => String(c.id) === args.value);
            break;
          case 'ids': {
            const ids = new Set(args.value.split(',').map((s) => s.trim()));
            rows = site.courses.all().filter((c) => ids.has(String(c.id)));
            break;
          }
          case 'shortname':
            rows = site.courses.find('shortname', args.value);
            break;
          case 'idnumber':
            rows = args.value === '' ? [] : site.courses.find('idnumber', args.value);
            break;
          case 'category':
            rows = site.courses.find('category', Number(args.value));
            break;
          default:
            throw invalidParameter('Invalid field name');
        }
        return { courses: rows.sort((a, b) => a.id - b.id).map((c) => exportFullCourse(site, c, wwwroot())), warnings: [] };
      },
    }),

    define({
      name: 'core_course_search_courses',
      version: CORE_VERSION,
      params: {
        criterianame: value('alpha'),
        criteriavalue: value('raw'),
        page: value('int', DEFAULT(0)),
        perpage: value('int', DEFAULT(0)),
        requiredcapabilities: multiple(value('text'), DEFAULT([])),
        limittoenrolled: value('bool', DEFAULT(false)),
        onlywithcompletion: value('bool', DEFAULT(false)),
      },
      returns: single({ total: value('int'), courses: multiple(single(searchCourseKeys)), warnings: warningsOut }),
      execute(site, _caller, args: { criterianame: string; criteriavalue: string; page: number; perpage: number }) {
        if (!['search', 'modulelist', 'blocklist', 'tagid'].includes(args.criterianame)) throw invalidParameter('Invalid value for criterianame parameter');
        const words = args.criteriavalue.toLowerCase().split(/\s+/).filter(Boolean);
        const hits = site.courses
          .all()
          .filter((c) => c.id !== SITE_COURSE_ID)
          .filter((c) => args.criterianame !== 'search' || words.every((w) => [c.fullname, c.shortname, c.idnumber, c.summary].some((f) => f.toLowerCase().includes(w))))
          .sort((a, b) => courseSortorder(site, a) - courseSortorder(site, b));
        const slice = args.perpage > 0 ? hits.slice(args.page * args.perpage, (args.page + 1) * args.perpage) : hits;
        return { total: hits.length, courses: slice.map((c) => exportSearchCourse(site, c, wwwroot())), warnings: [] };
      },
    }),

    define({
      name: 'core_course_get_categories',
      version: CORE_VERSION,
      params: { criteria: multiple(single({ key: value('alpha'), value: value('raw') }), DEFAULT([])), addsubcategories: value('bool', DEFAULT(true)) },
      returns: multiple(categoryOut),
      execute(site, _caller, args: { criteria: Array<{ key: string; value: string }>; addsubcategories: boolean }) {
        let cats = site.categories.all();
        for (const c of args.criteria) {
          if (!['id', 'ids', 'name', 'parent', 'idnumber', 'visible', 'theme'].includes(c.key)) throw invalidParameter(`The key '${c.key}' is not supported`);
          if (c.key === 'ids') {
            const ids = new Set(c.value.split(','));
            cats = cats.filter((x) => ids.has(String(x.id)));
          } else if (c.key === 'visible') cats = cats.filter((x) => String(Number(x.visible)) === c.value);
          else cats = cats.filter((x) => String((x as unknown as Record<string, unknown>)[c.key] ?? '') === c.value);
        }
        if (args.addsubcategories && args.criteria.length > 0) {
          const ids = new Set(cats.map((c) => c.id));
          cats = site.categories.all().filter((c) => site.categoryChain(c.id).some((id) => ids.has(id)));
        }
        return cats
          .sort((a, b) => a.sortorder - b.sortorder)
          .map((c) => {
            const chain = site.categoryChain(c.id).reverse();
            return {
              id: c.id,
              name: c.name,
              idnumber: c.idnumber,
              description: c.description,
              descriptionformat: c.descriptionformat,
              parent: c.parent,
              sortorder: c.sortorder,
              coursecount: site.courses.find('category', c.id).length,
              visible: c.visible ? 1 : 0,
              visibleold: c.visible ? 1 : 0,
              timemodified: c.timemodified,
              depth: chain.length,
              path: `/${chain.join('/')}`,
              theme: '',
            };
          });
      },
    }),

    define({
      name: 'core_course_create_categories',
      version: CORE_VERSION,
      params: {
        categories: multiple(
          single({ name: value('text'), parent: value('int', DEFAULT(0)), idnumber: value('raw', OPTIONAL), description: value('raw', OPTIONAL), descriptionformat: value('int', DEFAULT(1)), theme: value('text', OPTIONAL) }),
        ),
      },
      returns: multiple(single({ id: value('int'), name: value('text') })),
      execute(site, caller, args: { categories: Array<{ name: string; parent: number; idnumber?: string; description?: string; descriptionformat: number }> }) {
        return args.categories.map((c) => {
          const parentCtx = c.parent === 0 ? SYSTEM : { level: 'coursecat' as const, instanceid: c.parent };
          if (c.parent !== 0 && !site.categories.get(c.parent)) throw invalidParameter('Invalid parent category');
          site.requireCapability('moodle/category:manage', parentCtx, caller.id);
          if (c.idnumber && site.categories.first('idnumber', c.idnumber)) throw moodleException('categoryidnumbertaken', 'ID number is already used for another category');
          const row = site.categories.insert({
            name: c.name,
            idnumber: c.idnumber ?? null,
            parent: c.parent,
            visible: true,
            description: c.description ?? '',
            descriptionformat: c.descriptionformat,
            sortorder: (site.categories.nextId) * 10_000,
            timemodified: site.now(),
          });
          return { id: row.id, name: row.name };
        });
      },
    }),

    define({
      name: 'core_course_create_courses',
      version: CORE_VERSION,
      params: {
        courses: multiple(
          single({
            fullname: value('text'),
            shortname: value('text'),
            categoryid: value('int'),
            idnumber: value('raw', OPTIONAL),
            summary: value('raw', OPTIONAL),
            summaryformat: value('int', DEFAULT(1)),
            format: value('text', DEFAULT('topics')),
            visible: value('int', OPTIONAL),
            startdate: value('int', OPTIONAL),
            enddate: value('int', OPTIONAL),
          }),
        ),
      },
      returns: multiple(single({ id: value('int'), shortname: value('raw') })),
      execute(site, caller, args: { courses: Array<{ fullname: string; shortname: string; categoryid: number; idnumber?: string; summary?: string; format: string; visible?: number; startdate?: number; enddate?: number }> }) {
        return args.courses.map((c) => {
          if (!site.categories.get(c.categoryid)) throw invalidParameter('Invalid category id');
          site.requireCapability('moodle/course:create', { level: 'coursecat', instanceid: c.categoryid }, caller.id);
          if (site.courses.find('shortname', c.shortname).length > 0) throw moodleException('shortnametaken', `Short name is already used for another course (${c.shortname})`);
          if (c.idnumber && site.courses.find('idnumber', c.idnumber).length > 0) throw moodleException('courseidnumbertaken', `ID number is already used for another course (${c.idnumber})`);
          const row = createCourseRow(site, { ...c, idnumber: c.idnumber ?? '', visible: c.visible === undefined ? true : c.visible === 1 });
          return { id: row.id, shortname: row.shortname };
        });
      },
    }),
  ];
}

/** create_course(): the course plus the default enrolment instances (manual on, guest and self off). */
export function createCourseRow(site: Site, c: { fullname: string; shortname: string; categoryid: number; idnumber: string; summary?: string; visible: boolean; format?: string; startdate?: number; enddate?: number }): CourseRow {
  const row = site.courses.insert({
    fullname: c.fullname,
    shortname: c.shortname,
    idnumber: c.idnumber,
    categoryid: c.categoryid,
    visible: c.visible,
    summary: c.summary ?? '',
    format: c.format ?? 'topics',
    startdate: c.startdate ?? 0,
    enddate: c.enddate ?? 0,
    timecreated: site.now(),
  });
  const student = site.roles.first('shortname', 'student')?.id ?? 5;
  site.enrol.insert({ courseid: row.id, enrol: 'manual', status: 0, name: '', roleid: student, customint1: 0, customint2: 0, sortorder: 0 });
  site.enrol.insert({ courseid: row.id, enrol: 'guest', status: 1, name: '', roleid: 0, customint1: 0, customint2: 0, sortorder: 1 });
  site.enrol.insert({ courseid: row.id, enrol: 'self', status: 1, name: '', roleid: student, customint1: 0, customint2: 0, sortorder: 2 });
  return row;
}
