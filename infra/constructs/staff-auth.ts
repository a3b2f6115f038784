import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  type CfnUserPool,
  type CfnUserPoolClient,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  PasskeyUserVerification,
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
 * (Plus feature plan) blocks risky and compromised-credential sign-ins. Passkeys are offered beside the
 * password in managed login (v2: the classic hosted UI has none); a passkey counts as both factors only with
 * user verification (PIN or biometrics), and every user keeps TOTP, so MFA stays required for everyone. One
 * public app client (code + PKCE) serves the console and the CLI's loopback sign-in; its access tokens carry
 * the scope `zorgsom/staff`.
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

    // Managed login runs on the Cognito domain (the console's authorize URL points there): passkeys are bound to
    // it. From the prefix, not from the domain resource, which itself depends on the pool.
    const signInHost = `${props.domainPrefix}.auth.${Stack.of(this).region}.amazoncognito.com`;
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: 'zorgsom-staff',
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      signInPolicy: { allowedFirstAuthFactors: { password: true, passkey: true } },
      passkeyRelyingPartyId: signInHost,
      passkeyUserVerification: PasskeyUserVerification.REQUIRED,
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
    // A passkey with user verification satisfies the required MFA; without this it would be one factor only,
    // and Cognito would not offer passkey sign-in at all while MFA is required.
    (this.userPool.node.defaultChild as CfnUserPool).webAuthnFactorConfiguration =
      'MULTI_FACTOR_WITH_USER_VERIFICATION';

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
    // Left empty, Cognito would allow SRP and custom auth outside managed login. USER_AUTH is the choice-based
    // sign-in managed login needs to offer passkeys beside the password; it still demands the second factor,
    // and tokens from it outside the OAuth code flow lack the `zorgsom/staff` scope the authorizer requires.
    (this.client.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = [
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_AUTH',
    ];

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // Managed login (v2) shows its pages to a client only with a branding style; Cognito's own look will do.
    new CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /** The managed-login host, `<prefix>.auth.<region>.amazoncognito.com` (CloudFront's origin for /oauth2/*). */
  get cognitoDomainName(): string {
    return `${this.domain.domainName}.auth.${Stack.of(this).region}.amazoncognito.com`;
  }
}
