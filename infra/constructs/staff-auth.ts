import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClientIdentityProvider,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { cliRedirectUri } from '../../local/staff-idp.js';
import { staffRoles, staffScope } from '../../shared/domain/staff-roles.js';

export interface StaffAuthProps {
  /** The portal's public URL; the console is under `<portalUrl>/console/`. */
  readonly portalUrl: string;
  /** Cognito managed-login domain prefix (`<prefix>.auth.<region>.amazoncognito.com`), unique per region. */
  readonly domainPrefix: string;
}

/**
 * The staff user pool: users are created by an administrator only (no self sign-up), MFA is required with
 * TOTP (no SMS), the Cognito groups `viewer`, `handler` and `admin` are the roles, and threat protection
 * (Plus feature plan) blocks risky and compromised-credential sign-ins. One public app client (code + PKCE)
 * serves the console and the CLI's loopback sign-in; its access tokens carry the scope `zorgsom/staff`.
 */
export class StaffAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** The `iss` of the pool's tokens; its JWKS is at `<issuer>/.well-known/jwks.json`. */
  readonly issuer: string;
  readonly consoleUrl: string;

  constructor(scope: Construct, id: string, props: StaffAuthProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: 'zorgsom-staff',
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    staffRoles.forEach((role, index) => {
      this.userPool.addGroup(`Group-${role}`, {
        groupName: role,
        description: `ZorgSom staff role ${role}`,
        // Lower precedence wins when a user is in several groups: the strongest role first.
        precedence: staffRoles.length - index,
      });
    });

    const [resourceId, scopeName] = staffScope.split('/') as [string, string];
    const staff = new ResourceServerScope({ scopeName, scopeDescription: 'ZorgSom staff routes' });
    const resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: resourceId,
      scopes: [staff],
    });

    this.consoleUrl = `${props.portalUrl.replace(/\/$/, '')}/console/`;
    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'zorgsom-staff-console',
      generateSecret: false,
      // No password flows outside managed login: sign-in always includes the second factor there.
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.resourceServer(resourceServer, staff)],
        callbackUrls: [this.consoleUrl, cliRedirectUri],
        logoutUrls: [this.consoleUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    // Left empty, Cognito would allow SRP and custom auth outside managed login; refresh is all the client needs.
    (this.client.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });

    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /** The managed-login host, `<prefix>.auth.<region>.amazoncognito.com` (CloudFront's origin for /oauth2/*). */
  get cognitoDomainName(): string {
    return `${this.domain.domainName}.auth.${Stack.of(this).region}.amazoncognito.com`;
  }
}
