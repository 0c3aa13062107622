/**
 * The notices as views, in the recipient's language (the presentation layer renders them for Teams,
 * Slack, the terminal and the card pictures). Built from a queue row's body: codes and numbers, never
 * a student's name; course names are text.
 */
import type { View } from '../bot/views';
import { text } from '../bot/views';
import { catalog } from '../i18n';
import type { GuardReason } from '../sync/guard';
import type { ChangeReason } from '../i18n/fr/notices';
import { formatDate } from '../i18n/format';
import { localeOf } from '../i18n/locale';
import type { TeacherNoticeBody } from './plan';

/** At most this many courses in one message (the rest counted): a message stays readable and under Slack's 50 blocks. */
export const MAX_COURSES = 12;

const REASON_ORDER: ChangeReason[] = ['newInscription', 'accountCreated', 'leftEtape', 'leftDirectory', 'held'];

export function teacherNoticeView(body: TeacherNoticeBody, locale: string | undefined, timeZone: string): View {
  const t = catalog(locale);
  const n = t.notices;
  const lang = localeOf(locale);
  const blocks = [text(n.teacherIntro(formatDate(new Date(body.startedAt), lang, timeZone, true)))];
  for (const c of body.courses.slice(0, MAX_COURSES)) {
    const reasons = REASON_ORDER.filter((r) => (c.reasons[r] ?? 0) > 0).map((r) => n.reasonLine(n.reasons[r], c.reasons[r]!));
    blocks.push(text([n.courseLine(`${c.fullname} (${c.shortname})`, c.arrived, c.left, c.held), ...reasons].join('\n')));
  }
  if (body.courses.length > MAX_COURSES) blocks.push(text(n.moreCourses(body.courses.length - MAX_COURSES)));
  const first = body.courses[0];
  if (first) blocks.push(text(n.listNames(`${first.platform}:${first.shortname}`)));
  blocks.push(text(n.stop));
  return { title: n.teacherTitle, tone: 'info', blocks, private: true, lang };
}

/** What an admin's held-removal message says. */
export interface HeldNoticeBody {
  kind: 'held' | 'heldReminder';
  /** The run whose removals are held (for a reminder, an earlier run than the one that reminds). */
  heldRunId: string;
  startedAt: string;
  removals: number;
  reasons: GuardReason[];
  /** Teachers of the previous run's notices who could not be reached (the admin's count). */
  unreachable?: number;
}

export function heldNoticeView(body: HeldNoticeBody, locale: string | undefined, timeZone: string): View {
  const t = catalog(locale);
  const n = t.notices;
  const lang = localeOf(locale);
  const blocks = [text(n.heldIntro(body.heldRunId, body.removals, formatDate(new Date(body.startedAt), lang, timeZone, true))), ...body.reasons.map((r) => text(t.heldGuard(r))), text(n.heldButtons)];
  if (body.unreachable) blocks.push(text(n.unreachable(body.unreachable)));
  return {
    title: body.kind === 'held' ? n.heldTitle : n.heldReminderTitle,
    tone: 'warning',
    blocks,
    // The digest's buttons: the same commands, authorised (admins only) and decided once like typing them.
    buttons: [
      { label: t.approveButton, payload: t.cmd.approve(body.heldRunId), style: 'danger' },
      { label: t.rejectButton, payload: t.cmd.reject(body.heldRunId) },
    ],
    private: true,
    lang,
  };
}

export type NoticeBody = TeacherNoticeBody | HeldNoticeBody;

export function noticeView(body: NoticeBody, locale: string | undefined, timeZone: string): View {
  return body.kind === 'teacher' ? teacherNoticeView(body, locale, timeZone) : heldNoticeView(body, locale, timeZone);
}
