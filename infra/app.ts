import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { pathToFileURL } from 'node:url';
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
  const stack = new ZorgSomPrivacyStack(app, stackNameOf(context('stage')), {
    description: 'ZorgSom Privacy: licensee personal data, kept to the promises of the privacy statement',
    env: {
      account: context('account') ?? process.env.CDK_DEFAULT_ACCOUNT,
      region: context('region') ?? 'eu-west-1',
    },
    domainName,
    mailFrom: context('mailFrom') ?? `privacy@${domainName}`,
    portalUrl: context('portalUrl') ?? `https://portal.${domainName}`,
    staffMailbox: context('staffMailbox') ?? `privacy-team@${domainName}`,
    tags: { application: 'zorgsom-privacy' },
  });

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
