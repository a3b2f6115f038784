import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../infra/app.js';
import { routes } from '../../../functions/routes.js';
import { staffRoles } from '../../../shared/domain/staff-roles.js';

const repoRoot = new URL('../../../', import.meta.url);
const cdkContext = JSON.parse(readFileSync(new URL('cdk.json', repoRoot), 'utf8')).context as Record<
  string,
  unknown
>;
const outdir = mkdtempSync(join(tmpdir(), 'zorgsom-cdk-staff-'));
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let template: Template;
let resources: Record<string, Json>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  const { stack } = buildApp({
    outdir,
    context: { ...cdkContext, portalUrl: 'https://portal.zorgsom.nl' },
    postCliContext: { 'aws:cdk:bundling-stacks': [] },
  });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Json>;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('staff user pool', () => {
  it('admin-created users only, MFA required with TOTP and no SMS, threat protection enforced', () => {
    const pools = ofType('AWS::Cognito::UserPool');
    expect(pools).toHaveLength(1);
    const pool = pools[0]![1].Properties;
    expect(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(pool.MfaConfiguration).toBe('ON');
    expect(pool.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.UserPoolTier).toBe('PLUS');
    expect(pool.UserPoolAddOns.AdvancedSecurityMode).toBe('ENFORCED');
    expect(pool.DeletionProtection).toBe('ACTIVE');
    expect(pool.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(14);
  });

  it('offers passkeys beside the password in managed login v2, counted as MFA only with user verification', () => {
    const pool = ofType('AWS::Cognito::UserPool')[0]![1].Properties;
    expect([...pool.Policies.SignInPolicy.AllowedFirstAuthFactors].sort()).toEqual(['PASSWORD', 'WEB_AUTHN']);
    expect(pool.WebAuthnUserVerification).toBe('required');
    expect(pool.WebAuthnFactorConfiguration).toBe('MULTI_FACTOR_WITH_USER_VERIFICATION');
    // Bound to the managed-login host the console's authorize URL points at; TOTP stays the required factor.
    expect(JSON.stringify(pool.WebAuthnRelyingPartyID)).toContain('.auth.');
    expect(JSON.stringify(pool.WebAuthnRelyingPartyID)).toContain('amazoncognito.com');
    expect(pool.MfaConfiguration).toBe('ON');
    expect(pool.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    const [domain] = ofType('AWS::Cognito::UserPoolDomain');
    expect(domain![1].Properties.ManagedLoginVersion).toBe(2);
    expect(JSON.stringify(pool.WebAuthnRelyingPartyID)).toContain(domain![1].Properties.Domain);
    const brandings = ofType('AWS::Cognito::ManagedLoginBranding');
    expect(brandings).toHaveLength(1);
    expect(brandings[0]![1].Properties).toMatchObject({ UseCognitoProvidedValues: true });
  });

  it('has one group per staff role', () => {
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, r]) => r.Properties.GroupName);
    expect(groups.sort()).toEqual([...staffRoles].sort());
  });

  it('the console client is public, code flow only, with the staff scope and the console as callback', () => {
    const clients = ofType('AWS::Cognito::UserPoolClient');
    expect(clients).toHaveLength(1);
    const client = clients[0]![1].Properties;
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(JSON.stringify(client.AllowedOAuthScopes)).toContain('/staff');
    expect(client.CallbackURLs).toContain('https://portal.zorgsom.nl/console/');
    // No password flows around managed login (and its second factor): refresh, and the choice-based
    // USER_AUTH managed login needs for passkeys (its second factor still required).
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_AUTH']);
    expect(client.PreventUserExistenceErrors).toBe('ENABLED');
    const servers = ofType('AWS::Cognito::UserPoolResourceServer');
    expect(servers.map(([, r]) => r.Properties.Identifier)).toEqual(['zorgsom']);
    expect(servers[0]![1].Properties.Scopes.map((s: Json) => s.ScopeName)).toEqual(['staff']);
  });
});

describe('staff routes behind the JWT authorizer', () => {
  it('every staff route requires a Cognito access token with the staff scope; no other route does', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(JSON.stringify(authorizer.Properties.JwtConfiguration.Issuer)).toContain('cognito-idp.');
    const [clientId] = ofType('AWS::Cognito::UserPoolClient')[0]!;
    expect(authorizer.Properties.JwtConfiguration.Audience).toEqual([{ Ref: clientId }]);

    const byKey = new Map(ofType('AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey, r]));
    for (const route of routes) {
      const resource = byKey.get(`${route.method} ${route.path}`)!;
      if (route.access === 'staff') {
        expect(resource.Properties.AuthorizationType, route.path).toBe('JWT');
        expect(resource.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
        expect(resource.Properties.AuthorizationScopes).toEqual(['zorgsom/staff']);
      } else {
        expect(resource.Properties.AuthorizationType ?? 'NONE', route.path).toBe('NONE');
      }
    }
  });

  it('the admin function knows the issuer and client to verify tokens again', () => {
    const admin = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('Functionsadmin'));
    const env = admin![1].Properties.Environment.Variables;
    expect(JSON.stringify(env.STAFF_ISSUER)).toContain('cognito-idp.');
    expect(env.STAFF_CLIENT_IDS).toEqual({ Ref: ofType('AWS::Cognito::UserPoolClient')[0]![0] });
  });
});
