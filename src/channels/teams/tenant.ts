/**
 * Trust at the Teams edge (#28): which tenant an activity comes from, whether it may be served at
 * all, and who is talking — from the verified UPN and AAD object id, never a free `email` field.
 */
import type { TeamsActivity } from './host';

/** The tenant Teams says the activity belongs to (conversation first, channelData otherwise). */
export function tenantOf(activity: TeamsActivity): string | undefined {
  return activity.conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
}

/**
 * An activity of another tenant than MicrosoftAppTenantId — a message, an install, a conversation
 * event — is not served. Without a tenant id (only possible outside production, or with
 * TEAMS_MULTI_TENANT=true stated explicitly) every tenant is served.
 */
export function foreignTenant(activity: TeamsActivity, tenantId: string | undefined): boolean {
  if (!tenantId) return false;
  return (tenantOf(activity) ?? '').toLowerCase() !== tenantId.toLowerCase();
}

/** The roster's answer for the person of this turn (TeamsInfo.getMember). */
export interface TeamsMember {
  userPrincipalName?: string;
  aadObjectId?: string;
  /** Present in the roster, but a mail attribute anyone's tenant may set freely: never an identity. */
  email?: string;
}

/**
 * The person's identity: the UPN, and only when the roster's AAD object id is the one the activity
 * (authenticated by the Bot Framework) carries; anything else is nobody.
 */
export function verifiedIdentity(member: TeamsMember, activity: TeamsActivity): { upn?: string; aadObjectId?: string } {
  const from = activity.from?.aadObjectId;
  if (!member.userPrincipalName || !member.aadObjectId || !from || member.aadObjectId.toLowerCase() !== from.toLowerCase()) return {};
  return { upn: member.userPrincipalName.trim().toLowerCase(), aadObjectId: from };
}
