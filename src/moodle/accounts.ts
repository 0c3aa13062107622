/**
 * Moodle accounts from what people typed — support pasting a list, a teacher naming a student: an
 * e-mail address by e-mail (case aside), anything else by username (case aside), then by idnumber
 * (the student number, exactly). One rule for every place a person names an account.
 */
import type { MoodleApi, MoodleUser } from './api';

export async function accountsByTyped(api: MoodleApi, typed: readonly string[]): Promise<{ found: Map<string, MoodleUser>; unknown: string[] }> {
  const entries = [...new Set(typed.map((x) => x.trim()).filter((x) => x !== ''))];
  const emails = entries.filter((x) => x.includes('@'));
  const others = entries.filter((x) => !x.includes('@'));
  const [byEmail, byUsername, byIdnumber] = await Promise.all([
    emails.length ? api.getUsersByField('email', emails.map((e) => e.toLowerCase())) : [],
    others.length ? api.getUsersByField('username', others.map((e) => e.toLowerCase())) : [],
    others.length ? api.getUsersByField('idnumber', others) : [],
  ]);
  const found = new Map<string, MoodleUser>();
  const unknown: string[] = [];
  for (const x of entries) {
    const u = x.includes('@')
      ? byEmail.find((v) => v.email?.toLowerCase() === x.toLowerCase())
      : (byUsername.find((v) => v.username === x.toLowerCase()) ?? byIdnumber.find((v) => v.idnumber === x));
    if (u) found.set(x, u);
    else unknown.push(x);
  }
  return { found, unknown };
}
