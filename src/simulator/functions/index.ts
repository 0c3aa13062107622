/** The functions a simulated site knows, and core_webservice_get_site_info, which lists them per token. */
import { multiple, single, value, OPTIONAL } from '../desc';
import { cohortFunctions } from './cohort';
import { courseFunctions } from './course';
import { enrolFunctions, groupFunctions } from './enrol';
import { localCohortbotFunctions, syncStateFunctions, wsEnrolcohortFunctions } from './plugins';
import { userFunctions } from './user';
import { CORE_VERSION, WsFunction, define } from './types';

export type { WsFunction } from './types';

/**
 * Real Moodle functions the simulator does not implement. They exist (so a token may list them and
 * the error for "not in the service" is accessexception, not invalidrecord), but calling one is a
 * simulator limitation reported as such.
 */
export const KNOWN_UNSIMULATED = ['core_course_delete_courses', 'core_user_delete_users', 'core_user_update_users', 'core_role_assign_roles', 'core_role_unassign_roles', 'core_course_update_courses'];

export function buildRegistry(wwwroot: () => string): Map<string, WsFunction> {
  const fns: WsFunction[] = [
    ...cohortFunctions,
    ...userFunctions(wwwroot),
    ...courseFunctions(wwwroot),
    ...enrolFunctions(wwwroot),
    ...groupFunctions,
    ...localCohortbotFunctions,
    ...syncStateFunctions,
    ...wsEnrolcohortFunctions,
  ];
  const registry = new Map(fns.map((f) => [f.name, f]));
  registry.set('core_webservice_get_site_info', siteInfo(registry, wwwroot));
  return registry;
}

function siteInfo(registry: Map<string, WsFunction>, wwwroot: () => string): WsFunction {
  return define({
    name: 'core_webservice_get_site_info',
    version: CORE_VERSION,
    params: { serviceshortnames: multiple(value('alpha'), OPTIONAL) },
    returns: single({
      sitename: value('raw'),
      username: value('raw'),
      firstname: value('text'),
      lastname: value('text'),
      fullname: value('text'),
      lang: value('text'),
      userid: value('int'),
      siteurl: value('raw'),
      userpictureurl: value('raw'),
      functions: multiple(single({ name: value('raw'), version: value('text') })),
      downloadfiles: value('int', OPTIONAL),
      uploadfiles: value('int', OPTIONAL),
      release: value('text', OPTIONAL),
      version: value('text', OPTIONAL),
      mobilecssurl: value('raw', OPTIONAL),
      advancedfeatures: multiple(single({ name: value('alphanumext'), value: value('int') }), OPTIONAL),
      usercanmanageownfiles: value('bool', OPTIONAL),
      userquota: value('int', OPTIONAL),
      usermaxuploadfilesize: value('int', OPTIONAL),
      userhomepage: value('int', OPTIONAL),
      userprivateaccesskey: value('alphanumext', OPTIONAL),
      siteid: value('int', OPTIONAL),
      sitecalendartype: value('text', OPTIONAL),
      usercalendartype: value('text', OPTIONAL),
      userissiteadmin: value('bool', OPTIONAL),
      theme: value('text', OPTIONAL),
      limitconcurrentlogins: value('int', OPTIONAL),
      policyagreed: value('int', OPTIONAL),
    }),
    execute(site, caller, _args, token) {
      const names = token.functions;
      return {
        sitename: site.settings.sitename,
        username: caller.username,
        firstname: caller.firstname,
        lastname: caller.lastname,
        fullname: site.fullname(caller),
        lang: caller.lang,
        userid: caller.id,
        siteurl: wwwroot(),
        userpictureurl: `${wwwroot()}/theme/image.php/boost/core/1/u/f1`,
        functions: names.filter((n) => registry.has(n) || KNOWN_UNSIMULATED.includes(n)).map((n) => ({ name: n, version: registry.get(n)?.version ?? CORE_VERSION })),
        downloadfiles: 0,
        uploadfiles: 0,
        release: site.settings.release,
        version: site.settings.version,
        mobilecssurl: '',
        advancedfeatures: Object.entries({ usecomments: 1, usetags: 1, enablenotes: 1, messaging: 1, enableblogs: 1, enablecompletion: 1, enablebadges: 1, messagingallusers: 0, enablecustomreports: 1, enableglobalsearch: 0, mnet_dispatcher_mode: 0, enablecompetencies: 1 }).map(([name, value]) => ({ name, value })),
        usercanmanageownfiles: true,
        userquota: 0,
        usermaxuploadfilesize: -1,
        userhomepage: 1,
        userprivateaccesskey: 'simulated0000000000000000000000',
        siteid: 1,
        sitecalendartype: 'gregorian',
        usercalendartype: 'gregorian',
        userissiteadmin: site.isSiteAdmin(caller.id),
        theme: 'boost',
        limitconcurrentlogins: 0,
        policyagreed: 0,
      };
    },
  });
}

