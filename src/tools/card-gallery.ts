/**
 * What people see, view by view, in French and English: the replies the command core gives on the
 * demo university (search, add confirmation and its outcome, why, refusals, the form…) and the daily
 * summaries. The card pictures (`npm run cards`), their test and the Block Kit limits test use it.
 */
import type { BotCore } from '../bot/core';
import { digestView } from '../bot/digest';
import type { View } from '../bot/views';
import { doneView } from '../channels/teams/bot';
import type { RunRecord } from '../store/types';
import { heldNoticeView, teacherNoticeView } from '../notify/views';

export interface GalleryView {
  name: string;
  lang: 'fr' | 'en';
  view: View;
}

export interface GalleryPeople {
  teacher: string;
  colleague: string;
  support: string;
}

/** Fixed instants: the pictures are the same every time. */
const AT = new Date('2026-11-03T09:42:00Z');
const NEXT = new Date('2026-11-04T01:00:00Z');

export async function cardGallery(core: BotCore, run: RunRecord, people: GalleryPeople, timeZone = 'Europe/Paris'): Promise<GalleryView[]> {
  const out: GalleryView[] = [];
  for (const lang of ['fr', 'en'] as const) {
    const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
    const say = (email: string, text: string) => core.handle({ channel: 'teams', chatUserId: `${email}:${lang}`, email, locale, conversation: 'private' }, text);
    const add = (name: string, view: View) => out.push({ name, lang, view });
    add('help', await say(people.teacher, lang === 'fr' ? 'aide' : 'help'));
    add('whoami', await say(people.teacher, lang === 'fr' ? 'qui suis-je' : 'whoami'));
    add('search', await say(people.teacher, lang === 'fr' ? 'chercher pharma' : 'search pharma'));
    add('syncs', await say(people.teacher, lang === 'fr' ? 'méthodes PHA-L2-102' : 'syncs PHA-L2-102'));
    const ask = await say(people.teacher, lang === 'fr' ? 'ajouter etp:L3PHA1 à PHA-L2-101 rôle étudiant groupe aucun' : 'add etp:M1PHA1 to PHA-L2-101 role student group none');
    add('add-confirmation', ask);
    const yes = ask.buttons?.[0]?.payload;
    if (yes) add('add-done', doneView(await say(people.teacher, yes), 'Marie Durand', AT, locale, timeZone));
    add('add-form', await say(people.teacher, lang === 'fr' ? 'ajouter' : 'add'));
    add('refusal', await say(people.colleague, lang === 'fr' ? 'ajouter etp:L3PHA1 à PHA-L3-201' : 'add etp:L3PHA1 to PHA-L3-201'));
    add('why', await say(people.support, lang === 'fr' ? 'pourquoi e21900011 PHA-L2-102' : 'why e21900011 PHA-L2-102'));
    add('status', await say(people.teacher, lang === 'fr' ? 'état' : 'status'));
    add('daily-summary', digestView(run, NEXT, locale, timeZone));
    const held: RunRecord = { ...run, status: 'held', platforms: run.platforms.map((p, i) => (i === 0 ? { ...p, membersRemoved: 0, removalsHeld: 57 } : p)) };
    add('held-summary', digestView(held, NEXT, locale, timeZone));
    add('held-decided', digestView(held, null, locale, timeZone, { status: 'approved', by: 'admin.moodle@univ-demo.fr', at: AT.toISOString(), removals: 57, removed: 57, approvalRunId: `${run.runId}-a` }));
    // The private notices (#32): a teacher's after a run, an admin's held removals and its reminder.
    const course = (shortname: string, fullname: string, arrived: number, left: number, reasons: Record<string, number>) => ({ platform: 'ecampus', courseId: 0, shortname, fullname, arrived, left, held: 0, reasons });
    add('notice-teacher', teacherNoticeView({ kind: 'teacher', runId: run.runId, startedAt: AT.toISOString(), courses: [course('PHA-L2-102', 'Chimie analytique', 3, 1, { newInscription: 2, accountCreated: 1, leftEtape: 1 }), course('PHA-L3-201', 'Pharmacie galénique', 1, 0, { newInscription: 1 })] }, locale, timeZone));
    const heldNotice = { heldRunId: run.runId, startedAt: AT.toISOString(), removals: 57, reasons: [], unreachable: 4 };
    add('notice-held', heldNoticeView({ kind: 'held', ...heldNotice }, locale, timeZone));
    add('notice-held-reminder', heldNoticeView({ kind: 'heldReminder', ...heldNotice }, locale, timeZone));
    add('my-courses', await say(people.teacher, lang === 'fr' ? 'mes cours' : 'my courses'));
  }
  return out;
}
