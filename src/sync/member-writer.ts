/**
 * How a platform takes membership changes, as per-member outcomes: done, already so (someone did it
 * meanwhile, or an interrupted run did), or gone (the cohort or the account no longer exists).
 * Two ways in: local_cohortbot's bulk functions (each rule checked once per call, a warning naming
 * each member refused) or core's functions (four variables a member, warnings that name members only
 * in their text, and a removal batch that fails whole when one account is gone).
 */
import type { MoodleApi } from '../moodle/api';
import type { WsParams } from '../moodle/encode';

export interface MemberPair {
  cohortId: number;
  userId: number;
}

export type Outcome = 'done' | 'already' | 'gone';

export interface MemberWriter {
  /** The parameters of one call for these members: what batching is measured on. */
  params(verb: 'add' | 'remove', batch: MemberPair[]): WsParams;
  /** One call's worth of members; an outcome per member, in order. Throws when the call fails. */
  write(verb: 'add' | 'remove', batch: MemberPair[]): Promise<Outcome[]>;
  /** A failed removal batch is retried member by member on core (one gone account rolls the batch back). */
  readonly retryAlone: boolean;
}

export const PLUGIN_WRITES = ['local_cohortbot_add_cohort_members', 'local_cohortbot_delete_cohort_members'];

export function memberWriter(api: MoodleApi, via: 'plugin' | 'core'): MemberWriter {
  return via === 'plugin' ? pluginWriter(api) : coreWriter(api);
}

function pluginWriter(api: MoodleApi): MemberWriter {
  return {
    retryAlone: false,
    params: (_verb, batch) => ({ members: batch.map((m) => ({ cohortid: m.cohortId, userid: m.userId })) }),
    async write(verb, batch) {
      const { warnings } = await api.changeMembersBulk(verb, batch);
      const refused = new Map(warnings.map((w) => [`${w.cohortid}:${w.userid}`, w.warningcode === '3' ? ('already' as const) : ('gone' as const)]));
      return batch.map((m) => refused.get(`${m.cohortId}:${m.userId}`) ?? 'done');
    },
  };
}

function coreWriter(api: MoodleApi): MemberWriter {
  return {
    retryAlone: true,
    params: (verb, batch) =>
      verb === 'add'
        ? { members: batch.map((m) => ({ cohorttype: { type: 'id', value: String(m.cohortId) }, usertype: { type: 'id', value: String(m.userId) } })) }
        : { members: batch.map((m) => ({ cohortid: m.cohortId, userid: m.userId })) },
    async write(verb, batch) {
      if (verb === 'remove') {
        await api.deleteCohortMembers(batch.map((m) => ({ cohortid: m.cohortId, userid: m.userId })));
        return batch.map(() => 'done');
      }
      // Core's warnings carry no ids: a member is identified by the text Moodle writes about it.
      const warnings = await api.addCohortMembers(batch.map((m) => ({ cohortId: m.cohortId, userId: m.userId })));
      const said = new Set(warnings.map((w) => (w.warningcode === '3' ? `already:${w.message}` : w.message)));
      return batch.map((m) =>
        said.has(`user id=${m.userId} not exists`) || said.has(`cohort id=${m.cohortId} not exists`) ? 'gone' : said.has(`already:record already exists: cohort(id=${m.cohortId} id=${m.userId})`) ? 'already' : 'done',
      );
    },
  };
}
