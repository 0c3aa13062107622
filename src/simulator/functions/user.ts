/** core_user_* functions cohortbot uses, with the shapes recorded from Moodle 4.5.6. */
import { DEFAULT, OPTIONAL, codingError, invalidParameter, multiple, single, value } from '../desc';
import { SYSTEM, Site, UserRow } from '../model';
import { CORE_VERSION, WsFunction, define } from './types';

export const userDetailsOut = single({
  id: value('int'),
  username: value('raw', OPTIONAL),
  firstname: value('text', OPTIONAL),
  lastname: value('text', OPTIONAL),
  fullname: value('text'),
  email: value('text', OPTIONAL),
  department: value('text', OPTIONAL),
  idnumber: value('raw', OPTIONAL),
  firstaccess: value('int', OPTIONAL),
  lastaccess: value('int', OPTIONAL),
  auth: value('alphanumext', OPTIONAL),
  suspended: value('bool', OPTIONAL),
  confirmed: value('bool', OPTIONAL),
  lang: value('text', OPTIONAL),
  theme: value('text', OPTIONAL),
  timezone: value('text', OPTIONAL),
  mailformat: value('int', OPTIONAL),
  trackforums: value('int', OPTIONAL),
  profileimageurlsmall: value('text'),
  profileimageurl: value('text'),
});

export function userPictureUrls(site: Site, wwwroot: string) {
  void site;
  return {
    profileimageurlsmall: `${wwwroot}/theme/image.php/boost/core/1/u/f2`,
    profileimageurl: `${wwwroot}/theme/image.php/boost/core/1/u/f1`,
  };
}

/** The identity fields every user export starts with (users by field, enrolled users). */
export function userIdentity(site: Site, u: UserRow) {
  return {
    id: u.id,
    username: u.username,
    firstname: u.firstname,
    lastname: u.lastname,
    fullname: site.fullname(u),
    email: u.email,
    department: u.department,
    idnumber: u.idnumber,
    firstaccess: u.firstaccess,
    lastaccess: u.lastaccess,
  };
}

export function exportUser(site: Site, u: UserRow, wwwroot: string) {
  return {
    ...userIdentity(site, u),
    auth: u.auth,
    suspended: u.suspended,
    confirmed: u.confirmed,
    lang: u.lang,
    theme: '',
    timezone: '99',
    mailformat: 1,
    trackforums: 0,
    ...userPictureUrls(site, wwwroot),
  };
}

const FIELDS = ['id', 'idnumber', 'username', 'email'] as const;

/**
 * user_get_user_details() as another user sees it (user/lib.php): nothing without moodle/user:viewdetails;
 * username, idnumber, department and auth only with moodle/user:viewalldetails; e-mail only as an
 * identity field (moodle/site:viewuseridentity). Admins and the user themselves see everything.
 */
export function userAsSeenBy(site: Site, u: UserRow, viewerId: number, wwwroot: string): Partial<ReturnType<typeof exportUser>> | undefined {
  const full = exportUser(site, u, wwwroot);
  if (viewerId === u.id || site.isSiteAdmin(viewerId)) return full;
  if (!site.hasCapability('moodle/user:viewdetails', SYSTEM, viewerId)) return undefined;
  const all = site.hasCapability('moodle/user:viewalldetails', SYSTEM, viewerId);
  const identity = site.hasCapability('moodle/site:viewuseridentity', SYSTEM, viewerId);
  const { username, idnumber, department, email, auth, confirmed, lang, theme, mailformat, trackforums, ...rest } = full;
  return {
    ...rest,
    ...(all ? { username, idnumber, department, auth, confirmed, lang, theme, mailformat, trackforums } : {}),
    ...(identity ? { email } : {}),
  };
}

export function userFunctions(wwwroot: () => string): WsFunction[] {
  return [
    define({
      name: 'core_user_get_users_by_field',
      version: CORE_VERSION,
      params: { field: value('alpha'), values: multiple(value('raw')) },
      returns: multiple(userDetailsOut),
      execute(site, caller, args: { field: string; values: string[] }) {
        if (!(FIELDS as readonly string[]).includes(args.field)) throw codingError('invalid field parameter');
        const out: UserRow[] = [];
        const seen = new Set<number>();
        for (const v of args.values) {
          const found =
            args.field === 'id'
              ? [site.users.get(Number(v))].filter((u): u is UserRow => u !== undefined && /^\d+$/.test(v))
              : args.field === 'email'
                ? site.users.find('email', v.toLowerCase())
                : site.users.find(args.field, v);
          for (const u of found) {
            if (u.deleted || seen.has(u.id)) continue;
            seen.add(u.id);
            out.push(u);
          }
        }
        // A user is returned only when the searched field is in what the caller may see of them.
        return out
          .sort((a, b) => a.id - b.id)
          .map((u) => userAsSeenBy(site, u, caller.id, wwwroot()))
          .filter((u): u is NonNullable<typeof u> => u !== undefined && (args.field === 'id' || Boolean(u[args.field as 'username' | 'idnumber' | 'email'])));
      },
    }),

    define({
      name: 'core_user_get_users',
      version: CORE_VERSION,
      params: { criteria: multiple(single({ key: value('alpha'), value: value('raw') })) },
      returns: single({ users: multiple(userDetailsOut), warnings: multiple(single({ item: value('text', OPTIONAL), itemid: value('int', OPTIONAL), warningcode: value('raw'), message: value('raw') }), OPTIONAL) }),
      execute(site, caller, args: { criteria: Array<{ key: string; value: string }> }) {
        site.requireCapability('moodle/user:viewdetails', SYSTEM, caller.id);
        const warnings: Array<{ item: string; warningcode: string; message: string }> = [];
        const like = (field: string, pattern: string) => new RegExp(`^${pattern.split('%').map(escapeRe).join('.*')}$`, 'i').test(field);
        let users = site.users.all().filter((u) => !u.deleted && u.id > 1);
        for (const c of args.criteria) {
          switch (c.key) {
            case 'id':
              users = users.filter((u) => String(u.id) === c.value);
              break;
            case 'idnumber':
            case 'username':
            case 'auth':
              users = users.filter((u) => u[c.key as 'idnumber' | 'username' | 'auth'] === c.value);
              break;
            case 'email':
            case 'firstname':
            case 'lastname':
              users = users.filter((u) => like(u[c.key as 'email' | 'firstname' | 'lastname'], c.value));
              break;
            default:
              warnings.push({ item: c.key, warningcode: 'invalidfieldparameter', message: `The search key '${c.key}' is not supported, look at the web service documentation` });
          }
        }
        return { users: users.map((u) => exportUser(site, u, wwwroot())), warnings };
      },
    }),

    define({
      name: 'core_user_create_users',
      version: CORE_VERSION,
      params: {
        users: multiple(
          single({
            createpassword: value('bool', OPTIONAL),
            username: value('raw'),
            auth: value('alphanumext', DEFAULT('manual')),
            password: value('raw', OPTIONAL),
            firstname: value('text'),
            lastname: value('text'),
            email: value('raw'),
            maildisplay: value('int', OPTIONAL),
            city: value('text', OPTIONAL),
            country: value('alpha', OPTIONAL),
            timezone: value('text', OPTIONAL),
            description: value('raw', OPTIONAL),
            idnumber: value('raw', DEFAULT('')),
            lang: value('text', OPTIONAL),
            department: value('text', OPTIONAL),
            institution: value('text', OPTIONAL),
            suspended: value('bool', OPTIONAL),
          }),
        ),
      },
      returns: multiple(single({ id: value('int'), username: value('raw') })),
      execute(site, caller, args: { users: Array<{ username: string; auth: string; firstname: string; lastname: string; email: string; idnumber: string; lang?: string; department?: string; suspended?: boolean; password?: string; createpassword?: boolean }> }) {
        site.requireCapability('moodle/user:create', SYSTEM, caller.id);
        return args.users.map((u) => {
          if (u.username !== u.username.toLowerCase().trim() || u.username === '') throw invalidParameter('The username must be in lower case');
          if (site.users.find('username', u.username).length > 0) throw invalidParameter('Username already exists: ' + u.username);
          if (u.auth === 'manual' && !u.password && !u.createpassword) throw invalidParameter('Invalid password: you must provide a password, or set createpassword.');
          const row = site.users.insert({
            username: u.username,
            firstname: u.firstname,
            lastname: u.lastname,
            email: u.email,
            idnumber: u.idnumber,
            auth: u.auth,
            suspended: u.suspended ?? false,
            deleted: false,
            confirmed: true,
            firstaccess: 0,
            lastaccess: 0,
            lang: u.lang ?? 'en',
            department: u.department ?? '',
          });
          return { id: row.id, username: row.username };
        });
      },
    }),
  ];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
