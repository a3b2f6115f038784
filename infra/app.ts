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
 * Builds the app: the stack plus the three cdk-nag 3 packs as policy-validation plugins. Any
 * unacknowledged finding makes synthesis fail. Exported so tests build exactly what `cdk synth` builds.
 */
export function buildApp(props: AppProps = {}): { app: App; stack: ZorgSomPrivacyStack } {
  const app = new App(props);
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };

  const domainName = context('domainName') ?? 'zorgsom.nl';
  const stackName = stackNameOf(context('stage'));
  const account = context('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
  // A portal domain of its own: CloudFront's certificate must live in us-east-1. Given as an ARN, or made by
  // the edge stack there and read through a cross-region reference.
  const portalDomain = context('portalDomain');
  const certificateArn = context('certificateArn');
  const edge =
    portalDomain && !certificateArn
      ? new EdgeStack(app, `${stackName}-edge`, {
          description: `ZorgSom Privacy ${stackName}: CloudFront's certificate (us-east-1)`,
          env: { account, region: 'us-east-1' },
          crossRegionReferences: true,
          portalDomain,
          tags: { application: 'zorgsom-privacy' },
        })
      : undefined;
  const stack = new ZorgSomPrivacyStack(app, stackName, {
    description: 'ZorgSom Privacy: licensee personal data, kept to the promises of the privacy statement',
    env: { account, region: context('region') ?? 'eu-west-1' },
    crossRegionReferences: edge !== undefined,
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
      ? { portal: { domainName: portalDomain, certificate: edge?.certificate ?? certificateArn! } }
      : {}),
    ...(context('apiCertificateArn') ? { apiCertificateArn: context('apiCertificateArn') } : {}),
    ...(context('receiptRuleSet') ? { existingReceiptRuleSet: context('receiptRuleSet') } : {}),
    existingSesIdentity: context('sesIdentity') === 'existing',
    tags: { application: 'zorgsom-privacy' },
  });
  if (edge) stack.addStackDependency(edge, "CloudFront's certificate is read from the edge stack");

  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
  );
  return { app, stack };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildApp().app.synth();
}
