import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { pathToFileURL } from 'node:url';
import { EdgeStack } from './edge-stack.js';
import { ZorgSomPrivacyStack } from './stack.js';

export const STACK_NAME = 'ZorgSomPrivacy';

/** `-c stage=test` deploys a second, independent stack (`ZorgSomPrivacy-test`) into the same account. */
export const stackNameOf = (stage: string | undefined): string => {
  if (stage === undefined || stage === 'production') return STACK_NAME;
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage))
    throw new Error(`stage must be lower-case letters, digits and dashes (got ${JSON.stringify(stage)})`);
  return `${STACK_NAME}-${stage}`;
};

/**
 * Builds the app: the stack, its us-east-1 edge stack, plus the three cdk-nag 3 packs as policy-validation plugins. Any
 * unacknowledged finding makes synthesis fail. Exported so tests build exactly what `cdk synth` builds.
 */
export function buildApp(props: AppProps = {}): { app: App; stack: ZorgSomPrivacyStack; edge: EdgeStack } {
  const app = new App(props);
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };

  const domainName = context('domainName') ?? 'zorgsom.nl';
  const stackName = stackNameOf(context('stage'));
  const account = context('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
  // CloudFront's web ACL and certificate must live in us-east-1: an edge stack there, on every deploy (the web
  // ACL), with the portal's certificate when it has a domain of its own and no certificate ARN was given. The
  // main stack reads their ARNs through cross-region references, so `cdk deploy --all` deploys it first.
  const portalDomain = context('portalDomain');
  const certificateArn = context('certificateArn');
  const edge = new EdgeStack(app, `${stackName}-edge`, {
    description: `ZorgSom Privacy ${stackName}: CloudFront's web ACL and certificate (us-east-1)`,
    env: { account, region: 'us-east-1' },
    crossRegionReferences: true,
    ...(portalDomain && !certificateArn ? { portalDomain } : {}),
    tags: { application: 'zorgsom-privacy' },
  });
  const stack = new ZorgSomPrivacyStack(app, stackName, {
    description: 'ZorgSom Privacy: licensee personal data, kept to the promises of the privacy statement',
    env: { account, region: context('region') ?? 'eu-west-1' },
    crossRegionReferences: true,
    webAclArn: edge.firewall.webAcl.attrArn,
    domainName,
    mailFrom: context('mailFrom') ?? `privacy@${domainName}`,
    portalUrl:
      context('portalUrl') ?? (portalDomain ? `https://${portalDomain}` : `https://portal.${domainName}`),
    staffMailbox: context('staffMailbox') ?? `privacy-team@${domainName}`,
    // Cognito domain prefixes are unique per region across all accounts: one per domain and stage.
    staffSignInDomainPrefix:
      context('staffSignInDomainPrefix') ??
      `${domainName.replace(/[^a-z0-9]+/g, '-')}-staff${stackName.slice(STACK_NAME.length).toLowerCase()}`,
    inboundMailDomain: context('inboundMailDomain') ?? `inbound.${domainName}`,
    ...(portalDomain
      ? { portal: { domainName: portalDomain, certificate: edge.certificate ?? certificateArn! } }
      : {}),
    ...(context('originSecretGeneration')
      ? { originSecretGeneration: context('originSecretGeneration') }
      : {}),
    ...(context('apiCertificateArn') ? { apiCertificateArn: context('apiCertificateArn') } : {}),
    ...(context('receiptRuleSet') ? { existingReceiptRuleSet: context('receiptRuleSet') } : {}),
    existingSesIdentity: context('sesIdentity') === 'existing',
    tags: { application: 'zorgsom-privacy' },
  });
  stack.addStackDependency(edge, "CloudFront's web ACL and certificate are read from the edge stack");

  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
  );
  return { app, stack, edge };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildApp().app.synth();
}
