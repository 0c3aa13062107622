/**
 * The Teams authentication settings both hosts share (MicrosoftApp* or the Agents SDK's
 * Connections__<id>__Settings__* names, read by config.ts), and the host choice. Without an app id
 * only local mode (loopback callers, never in production) may run.
 */
import type { Config } from '../../config';
import type { Logger } from '../../log';
import { TeamsConfigError, TeamsHost } from './host';
import { agentsHost } from './host-agents';
import { botbuilderHost } from './host-botbuilder';

export interface TeamsAuth {
  appId?: string;
  appPassword?: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId?: string;
  /** Agents SDK: where the signing keys are (`<authority>/discovery/v2.0/keys`). */
  authorityEndpoint?: string;
  issuers?: string[];
  /** botbuilder: the same, as its channel OpenID document and token issuer. */
  openIdMetadataUrl?: string;
  tokenIssuer?: string;
}

export function teamsAuth(t: Config['teams']): TeamsAuth {
  const authority = t.authorityEndpoint?.replace(/\/+$/, '');
  return {
    appId: t.appId,
    appPassword: t.appPassword,
    appType: t.appType,
    tenantId: t.tenantId,
    authorityEndpoint: authority,
    issuers: t.issuers,
    openIdMetadataUrl: authority ? `${authority}/v2.0/.well-known/openid-configuration` : undefined,
    tokenIssuer: t.issuers?.[0],
  };
}

export function createTeamsHost(config: Config, log: Logger): TeamsHost {
  const t = config.teams;
  if (!t.appId && (!t.localMode || config.nodeEnv === 'production')) {
    throw new TeamsConfigError('MicrosoftAppId is required for the Teams endpoint: refusing an unauthenticated one (set MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType, MicrosoftAppTenantId; TEAMS_LOCAL_MODE=true is for the Emulator, outside production)');
  }
  if (!t.appId) log.warn('Teams endpoint in local mode (Bot Framework Emulator): requests are not authenticated and only loopback callers are answered');
  const auth = teamsAuth(t);
  return t.sdk === 'botbuilder' ? botbuilderHost(auth, log) : agentsHost(auth, log, !t.appId);
}
