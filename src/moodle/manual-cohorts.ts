/**
 * Manual cohorts changed by a person (support's `créer cohorte`, `ajouter membres`, `retirer membres`),
 * always with that person's own Moodle rights (#28): through local_cohortbot with `onbehalfof`, which
 * checks moodle/cohort:manage / moodle/cohort:assign in the cohort's context as that person, as the
 * teacher commands do for cohort syncs. Core's cohort functions act with the token's rights only and
 * cannot check anyone else's, so a site without these functions refuses: nothing is done on a guess.
 */
import { z } from 'zod';
import type { MoodleApi } from './api';
import { NoActingUserError } from './cohort-syncs';

const PLUGIN = 'local_cohortbot';
const FUNCTIONS = [`${PLUGIN}_create_cohort`, `${PLUGIN}_get_cohort_courses`, `${PLUGIN}_add_cohort_members`, `${PLUGIN}_delete_cohort_members`];

/** The site cannot check a person's cohort rights (no plugin, or one older than 1.2): refused, with what to do. */
export class CohortRightsUnverifiable extends Error {
  constructor(readonly platform: string) {
    super(`${platform}: local_cohortbot ≥ 1.2 (create_cohort, get_cohort_courses) is needed to change cohorts with a person's own rights`);
  }
}

/** A course that syncs the cohort, and the role its members get there. */
export interface CohortCourse {
  courseId: number;
  shortname: string;
  fullname: string;
  roleShortname: string;
  /** student, teacher, editingteacher, manager…: what the role is, whatever its local name. */
  roleArchetype: string;
  roleName: string;
  enabled: boolean;
}

const actingUser = (fn: string, id: number): number => {
  if (!Number.isInteger(id) || id <= 0) throw new NoActingUserError(fn);
  return id;
};

const warnings = z.array(z.object({ warningcode: z.string(), cohortid: z.number(), userid: z.number(), message: z.string() }));

export class ManualCohorts {
  private constructor(private readonly api: MoodleApi) {}

  /** The platform's manual-cohort functions, or the refusal saying why a person's rights cannot be checked there. */
  static async for(api: MoodleApi): Promise<ManualCohorts> {
    const names = await api.functionNames();
    if (!FUNCTIONS.every((f) => names.has(f))) throw new CohortRightsUnverifiable(api.platform);
    return new ManualCohorts(api);
  }

  async create(c: { name: string; idnumber: string; categoryId?: number; description?: string }, onBehalfOf: number): Promise<{ id: number; idnumber: string; name: string }> {
    return this.api.client.call(
      `${PLUGIN}_create_cohort`,
      { name: c.name, idnumber: c.idnumber, categoryid: c.categoryId ?? 0, description: c.description ?? '', onbehalfof: actingUser('create_cohort', onBehalfOf) },
      z.object({ id: z.number(), idnumber: z.string(), name: z.string() }),
    );
  }

  /** The courses syncing the cohort; refused (onbehalfnopermission) when the person may not change it. */
  async courses(cohortId: number, onBehalfOf: number): Promise<CohortCourse[]> {
    const r = await this.api.client.call(
      `${PLUGIN}_get_cohort_courses`,
      { cohortid: cohortId, onbehalfof: actingUser('get_cohort_courses', onBehalfOf) },
      z.object({ courses: z.array(z.object({ courseid: z.number(), shortname: z.string(), fullname: z.string(), roleid: z.number(), roleshortname: z.string(), rolearchetype: z.string(), rolename: z.string(), status: z.number() })) }),
    );
    return r.courses.map((c) => ({ courseId: c.courseid, shortname: c.shortname, fullname: c.fullname, roleShortname: c.roleshortname, roleArchetype: c.rolearchetype, roleName: c.rolename, enabled: c.status === 0 }));
  }

  /** Adds or removes members as the person; the plugin checks their rights on every cohort named. */
  async change(verb: 'add' | 'remove', cohortId: number, userIds: number[], onBehalfOf: number): Promise<number> {
    const count = verb === 'add' ? 'added' : 'removed';
    const onbehalfof = actingUser(`${verb}_cohort_members`, onBehalfOf);
    const replies = await this.api.client.callBatched(
      `${PLUGIN}_${verb === 'add' ? 'add' : 'delete'}_cohort_members`,
      userIds,
      (batch) => ({ members: batch.map((userid) => ({ cohortid: cohortId, userid })), onbehalfof }),
      z.object({ [count]: z.number(), warnings }),
    );
    return replies.reduce((n, r) => n + (r[count] as number), 0);
  }
}

/** A role other than student (and not "no role"): its members become more than students in that course. */
export const privileged = (c: CohortCourse): boolean => c.roleShortname !== '' && c.roleArchetype !== 'student';
