/** The `why` command's work (loaded only when it runs: it needs the diagnosis and the bot's identity rules). */
import { createApp } from '../app';
import { parseCourse } from '../bot/commands';
import { closestCourses, findCourses } from '../bot/resolve';
import { cliEn } from '../i18n/en/cli';
import { cliFr } from '../i18n/fr/cli';
import { loadConfig } from '../config';
import { diagnose } from '../diagnosis/why';
import { localeOf } from '../i18n/locale';
import { renderWhy } from '../i18n/why';
import { CohortSyncUnavailable, cohortSyncsFor } from '../moodle/cohort-syncs';
import type { MoodleApi } from '../moodle/api';
import type { Config } from '../config';
import { configuredRoles, resolveAccount } from '../bot/identity';
import { CliError, onOption, printJson } from './common';

export async function runWhy(student: string, courseArg: string, opts: { json?: boolean; as?: string; lang?: string; on?: string }): Promise<void> {
  const locale = localeOf(opts.lang);
  const on = onOption(opts.on);
  const app = createApp(loadConfig());
  try {
    const ref = parseCourse(courseArg, app.config.platforms.map((p) => p.name));
    const candidates = await findCourses(app.config.platforms, (p) => app.apis.get(p)!, ref);
    const w = locale === 'en' ? cliEn : cliFr;
    if (candidates.length === 0) {
      // As the chat does: the closest courses, each as the command to type (the service account sees every course).
      const platforms = app.config.platforms.filter((p) => !ref.platform || p.name === ref.platform).map((p) => p.name);
      const all = (await Promise.all(platforms.map(async (p) => (await app.apis.get(p)!.getCoursesByField().catch(() => [])).map((course) => ({ platform: p, course, label: `${course.shortname} (${p})` }))))).flat();
      const near = closestCourses(all, ref.text ?? courseArg, 1 / 2);
      const hint = near.length ? ` — ${w.courseDidYouMean(near.map((c) => `\`${w.whyCommand(student, `${c.platform}:${c.course.shortname}`)}\``).join(', '))}` : '';
      throw new CliError(`${w.noCourse(courseArg, app.config.platforms.map((p) => p.name).join(', '))}${hint}`);
    }
    if (candidates.length > 1) throw new CliError(w.severalCourses(courseArg, candidates.map((c) => `${c.platform}:${c.course.shortname}`).join(', ')));
    const { platform, course } = candidates[0]!;
    const api = app.apis.get(platform)!;
    const syncs = await cohortSyncsFor(api).catch((e: unknown) => {
      if (e instanceof CohortSyncUnavailable) return undefined;
      throw e;
    });
    const actingUserId = await actingUser(app.config, api, opts.as);
    const now = new Date();
    const d = await diagnose({ config: app.config, directory: app.directory, api, syncs, store: app.store, now, on, actingUserId }, student, platform, course);
    await app.store.audit({ at: now.toISOString(), actor: opts.as?.toLowerCase() ?? process.env.USER ?? 'cli', channel: 'cli', command: 'why', platform, course: course.shortname, target: student, outcome: d.verdict });
    // An unknown student is a bad request, as for `sync --user`: exit 2, the document printed all the same.
    if (d.verdict === 'unknown-student') process.exitCode = 2;
    const r = renderWhy(d, locale, app.config.academicYear.timezone, { courseSpec: `${platform}:${course.shortname}`, now });
    if (opts.json) {
      const firstBroken = d.steps.find((s) => s.status === 'broken')?.id;
      printJson({
        ...d,
        firstBroken,
        steps: d.steps.map((s, i) => ({ id: s.id, ok: s.status === 'skipped' ? null : s.status !== 'broken', status: s.status, evidence: r.lines[i], facts: s.facts, fix: s.id === firstBroken ? (r.fixes[0] ?? null) : null })),
        verdictText: r.verdict,
        fixesText: r.fixes,
      });
    } else {
      process.stdout.write(`${r.title}\n${r.lines.join('\n')}\n→ ${r.verdict}\n${r.fixes.map((f) => `    • ${f}\n`).join('')}`);
    }
  } finally {
    await app.close();
  }
}

/**
 * Whose Moodle rights the diagnosis reads with: a named support person (verified like in chat), or the
 * service account itself — the operator at the server holds its token anyway.
 */
async function actingUser(config: Config, api: MoodleApi, as: string | undefined): Promise<number> {
  if (!as) return (await api.siteInfo()).userid;
  const identity = { channel: 'cli' as const, chatUserId: as, email: as };
  if (!configuredRoles(identity, config).has('support')) throw new CliError(`${as} is not in SUPPORT_USERS or ADMIN_USERS: why --as is for support staff`);
  const r = await resolveAccount(api, identity, config);
  if (!r.ok) throw new CliError(`${as} has no usable account on ${api.platform} (${r.problem})`);
  return r.user.id;
}
