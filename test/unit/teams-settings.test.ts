/** TEAMS_SDK and the two spellings of the Teams registration (MicrosoftApp* and the Agents SDK's Connections__…). */
import { ConfigError, loadConfig } from '../../src/config';
import { teamsAuth } from '../../src/channels/teams/auth-settings';
import { agentsAuthConfig } from '../../src/channels/teams/host-agents';

const base = { MOODLE_PLATFORMS: 'ecampus', MOODLE_ECAMPUS_URL: 'https://ecampus.example.edu', MOODLE_ECAMPUS_TOKEN: 't', DIRECTORY_SOURCE: 'file', DIRECTORY_FILE: 'fixtures/demo-directory.ldif' };

describe('Teams settings', () => {
  it('uses the Agents SDK unless TEAMS_SDK=botbuilder, and names the choices when the value is wrong', () => {
    expect(loadConfig(base).teams.sdk).toBe('agents');
    expect(loadConfig({ ...base, TEAMS_SDK: 'botbuilder' }).teams.sdk).toBe('botbuilder');
    try {
      loadConfig({ ...base, TEAMS_SDK: 'bolt' });
      throw new Error('accepted');
    } catch (e) {
      expect((e as ConfigError).problems.join('\n')).toMatch(/TEAMS_SDK.*agents \(Microsoft 365 Agents SDK\) or botbuilder/);
    }
  });

  it('reads the same registration from MicrosoftApp* or from the SDK connection settings (any connection id, any case)', () => {
    const legacy = loadConfig({ ...base, MicrosoftAppId: 'app', MicrosoftAppPassword: 'pw', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: 'ten' }).teams;
    const agents = loadConfig({ ...base, MicrosoftAppType: 'SingleTenant', Connections__univBot__Settings__ClientId: 'app', CONNECTIONS__univBot__SETTINGS__CLIENTSECRET: 'pw', Connections__univBot__Settings__TenantId: 'ten' }).teams;
    for (const t of [legacy, agents]) expect(t).toMatchObject({ appId: 'app', appPassword: 'pw', tenantId: 'ten' });
    // SingleTenant without a tenant is refused under either spelling.
    expect(() => loadConfig({ ...base, MicrosoftAppType: 'SingleTenant', Connections__x__Settings__ClientId: 'app' })).toThrow(/MicrosoftAppTenantId: missing/);
  });

  it('hands both hosts the same key location and issuers; the Agents SDK always validates the issuer', () => {
    const t = loadConfig({ ...base, MicrosoftAppId: 'app', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: 'ten', Connections__c__Settings__AuthorityEndpoint: 'http://127.0.0.1:9/ten/', Connections__c__Settings__Issuers: 'http://127.0.0.1:9/ten/v2.0, https://api.botframework.com' }).teams;
    const auth = teamsAuth(t);
    expect(auth).toMatchObject({ authorityEndpoint: 'http://127.0.0.1:9/ten', openIdMetadataUrl: 'http://127.0.0.1:9/ten/v2.0/.well-known/openid-configuration', tokenIssuer: 'http://127.0.0.1:9/ten/v2.0' });
    const sdk = agentsAuthConfig(auth);
    expect(sdk).toMatchObject({ clientId: 'app', tenantId: 'ten', validateIssuer: true, issuers: ['http://127.0.0.1:9/ten/v2.0', 'https://api.botframework.com'] });
    expect([...sdk.connections!.keys()]).toEqual(['serviceConnection']);
    expect(sdk.connectionsMap).toEqual([{ serviceUrl: '*', connection: 'serviceConnection' }]);
  });
});
