import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AbuseAlarms } from './constructs/abuse-alarms.js';
import { Api } from './constructs/api.js';
import { Data } from './constructs/data.js';
import { BudgetReviewStorage } from './constructs/budget-reviews.js';
import { ByEmailWorker } from './constructs/by-email-worker.js';
import { Functions, type GrantTargets } from './constructs/functions.js';
import { StaffJobs } from './constructs/staff-jobs.js';
import { StaffAuth } from './constructs/staff-auth.js';
import { JobRunner, jobRunnerArnOf, jobRunnerNameOf } from './constructs/job-runner.js';
import { Keys } from './constructs/keys.js';
import { MailIntake } from './constructs/mail-intake.js';
import { MailOutbox } from './constructs/mail-outbox.js';
import { MailSending } from './constructs/mail-sending.js';
import { Retention } from './constructs/retention.js';
import { OriginSecret } from './constructs/origin-secret.js';
import { Web } from './constructs/web.js';

export interface ZorgSomPrivacyStackProps extends StackProps {
  /** The mail domain, e.g. zorgsom.nl. */
  readonly domainName: string;
  /** The From address of every outgoing mail, e.g. privacy@zorgsom.nl. */
  readonly mailFrom: string;
  /** The licensee portal, linked from mails. */
  readonly portalUrl: string;
  /** Where the daily deadline watch mails staff. */
  readonly staffMailbox: string;
  /** The staff sign-in's Cognito domain prefix (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly staffSignInDomainPrefix: string;
  /**
   * The domain SES receives info@ mail on: a subdomain with its own MX record (e.g. inbound.zorgsom.nl), to
   * which the existing mail provider forwards info@zorgsom.nl; never the apex, whose MX serves all other mail.
   */
  readonly inboundMailDomain: string;
  /** The CloudFront web ACL (scope CLOUDFRONT, made in us-east-1 by the edge stack) the distribution uses. */
  readonly webAclArn: string;
  /**
   * Bumped to replace the origin secret (runbook §6): any new value makes a new secret, and CloudFront and the
   * HTTP functions move to it in the same deploy.
   */
  readonly originSecretGeneration?: string;
  /** The portal's own domain (e.g. privacy.zorgsom.nl) and its us-east-1 certificate (CloudFront). */
  readonly portal?: { readonly domainName: string; readonly certificate: ICertificate | string };
  /** A regional certificate for api.<portal domain>; created (DNS-validated) when not given. */
  readonly apiCertificateArn?: string;
  /** Add the receipt rule to this existing (active) rule set instead of a new one: one per account and region. */
  readonly existingReceiptRuleSet?: string;
  /** The SES domain identity exists already in the account (made by hand or by another stage): reuse it. */
  readonly existingSesIdentity?: boolean;
}

export class ZorgSomPrivacyStack extends Stack {
  readonly keys: Keys;
  readonly data: Data;
  readonly mail: MailSending;
  readonly mailOutbox: MailOutbox;
  readonly functions: Functions;
  readonly api: Api;
  readonly mailIntake: MailIntake;
  readonly retention: Retention;
  readonly web: Web;
  readonly budgetReviews: BudgetReviewStorage;
  readonly staffJobs: StaffJobs;
  readonly staffAuth: StaffAuth;
  readonly jobRunner: JobRunner;
  readonly byEmailWorker: ByEmailWorker;
  readonly abuseAlarms: AbuseAlarms;
  readonly originSecret: OriginSecret;

  constructor(scope: Construct, id: string, props: ZorgSomPrivacyStackProps) {
    super(scope, id, props);

    if (!props.mailFrom.endsWith(`@${props.domainName}`)) {
      throw new Error(
        `mailFrom (${props.mailFrom}) must be an address of the SES domain ${props.domainName}`,
      );
    }

    this.keys = new Keys(this, 'Keys');
    this.data = new Data(this, 'Data', { tableKey: this.keys.tableKey });
    this.mail = new MailSending(this, 'MailSending', {
      domainName: props.domainName,
      mailFrom: props.mailFrom,
      existingIdentity: props.existingSesIdentity ?? false,
    });

    this.budgetReviews = new BudgetReviewStorage(this, 'BudgetReviews', {
      portalOrigin: new URL(props.portalUrl).origin,
    });
    this.staffAuth = new StaffAuth(this, 'StaffAuth', {
      portalUrl: props.portalUrl,
      domainPrefix: props.staffSignInDomainPrefix,
    });

    // What every function may be granted, on exact ARNs.
    const targets: GrantTargets = {
      dataKeyArn: this.keys.dataKey.keyArn,
      hmacKeyArn: this.keys.hmacKey.keyArn,
      tableKeyArn: this.keys.tableKey.keyArn,
      tableArn: this.data.table.tableArn,
      sendMail: () => this.mail.sendStatement(),
      region: this.region,
      budgetReviews: {
        keyArn: this.budgetReviews.key.keyArn,
        bucketArn: this.budgetReviews.bucket.bucketArn,
      },
      jobRunnerArn: jobRunnerArnOf(this),
      submissionKeyArn: this.keys.submissionKey.keyArn,
    };
    // Exactly what shared/config.ts reads; AWS_REGION is set by Lambda itself.
    const environment = {
      TABLE_NAME: this.data.table.tableName,
      DATA_KEY_ID: this.keys.dataKey.keyArn,
      HMAC_KEY_ID: this.keys.hmacKey.keyArn,
      OUTBOX_KEY_ID: this.mail.outboxKey.keyArn,
      MAIL_FROM: props.mailFrom,
      PORTAL_URL: props.portalUrl,
      BUDGET_KEY_ID: this.budgetReviews.key.keyArn,
      BUDGET_REVIEW_BUCKET: this.budgetReviews.bucket.bucketName,
      STAFF_MAILBOX: props.staffMailbox,
      JOB_RUNNER_FUNCTION: jobRunnerNameOf(this),
    };

    // Mail to info@<domain>: SES receipt rule → S3 → mail-intake; daily request hygiene. Same targets and
    // environment as the HTTP functions.
    this.mailIntake = new MailIntake(this, 'MailIntake', {
      domainName: props.inboundMailDomain,
      ...(props.existingReceiptRuleSet ? { existingRuleSetName: props.existingReceiptRuleSet } : {}),
      logsKey: this.keys.logsKey,
      targets,
      environment,
    });
    new CfnOutput(this, 'ReceiptRuleSetName', {
      value: this.mailIntake.ruleSet.receiptRuleSetName,
      description: props.existingReceiptRuleSet
        ? 'The rule was added to this existing rule set (already active)'
        : 'Activate once: aws ses set-active-receipt-rule-set --rule-set-name <this value> (deactivates any other)',
    });
    new CfnOutput(this, 'RawMailBucket', { value: this.mailIntake.bucket.bucketName });
    new CfnOutput(this, 'MailIntakeDeadLetterQueueUrl', {
      value: this.mailIntake.deadLetterQueue.queueUrl,
      description: 'SES events mail-intake failed three times, and failed request-hygiene runs (alarmed)',
    });
    new CfnOutput(this, 'MailAlarmTopicArn', {
      value: this.mailIntake.alarmTopic.topicArn,
      description: 'Subscribe the operations address: a mail-intake event reached the dead-letter queue',
    });
    // What CloudFront sends the API in its origin header and every HTTP function checks (runbook §6).
    this.originSecret = new OriginSecret(this, 'OriginSecret', {
      generation: props.originSecretGeneration,
    });
    // Requests by email address, handed off by privacy-requests: made first, the route's grant names it.
    this.byEmailWorker = new ByEmailWorker(this, 'ByEmailWorker', {
      targets,
      environment: { ...environment, SUBMISSION_KEY_ID: this.keys.submissionKey.keyArn },
      logsKey: this.keys.logsKey,
      alarmTopic: this.mailIntake.alarmTopic,
    });
    new CfnOutput(this, 'ByEmailWorkerDeadLetterQueueUrl', {
      value: this.byEmailWorker.failures.queue.queueUrl,
      description:
        'Sealed by-email submissions the worker failed three times (alarmed); redrive after fixing the cause (runbook)',
    });
    // The HTTP functions: staff's approved deletions purge raw mail too, so they know its bucket.
    this.functions = new Functions(this, 'Functions', {
      logsKey: this.keys.logsKey,
      targets: {
        ...targets,
        rawMailBucketArn: this.mailIntake.bucket.bucketArn,
        rawMailKeyArn: this.mailIntake.key.keyArn,
        byEmailWorkerArn: this.byEmailWorker.fn.functionArn,
      },
      environment: {
        ...environment,
        SUBMISSION_KEY_ID: this.keys.submissionKey.keyArn,
        BY_EMAIL_WORKER_FUNCTION: this.byEmailWorker.fn.functionName,
        RAW_MAIL_BUCKET: this.mailIntake.bucket.bucketName,
        STAFF_ISSUER: this.staffAuth.issuer,
        STAFF_CLIENT_IDS: this.staffAuth.client.userPoolClientId,
        ORIGIN_VERIFY_SECRET: this.originSecret.value,
      },
    });
    const apiDomain = props.portal ? `api.${props.portal.domainName}` : undefined;
    this.api = new Api(this, 'Api', {
      functions: this.functions.byName,
      logsKey: this.keys.logsKey,
      staffTokens: { issuer: this.staffAuth.issuer, clientIds: [this.staffAuth.client.userPoolClientId] },
      ...(apiDomain
        ? {
            customDomain: {
              domainName: apiDomain,
              certificate: props.apiCertificateArn
                ? Certificate.fromCertificateArn(this, 'ApiCertificate', props.apiCertificateArn)
                : new Certificate(this, 'ApiCertificate', {
                    domainName: apiDomain,
                    validation: CertificateValidation.fromDns(),
                  }),
            },
          }
        : {}),
    });

    // P5: the hourly retention sweeper and the TTL backstop audit (stream consumer).
    this.retention = new Retention(this, 'Retention', {
      table: this.data.table,
      logsKey: this.keys.logsKey,
      rawMailBucket: this.mailIntake.bucket,
      alarmTopic: this.mailIntake.alarmTopic,
      targets,
      environment,
    });
    new CfnOutput(this, 'RetentionDeadLetterQueueUrl', {
      value: this.retention.failures.queue.queueUrl,
      description: 'Failed retention sweeps and TTL audit batches (alarmed); redrive after fixing the cause',
    });
    // The one outgoing-mail pipeline: outbox stream → mail-sender → SES.
    this.mailOutbox = new MailOutbox(this, 'MailOutbox', {
      table: this.data.table,
      mail: this.mail,
      logsKey: this.keys.logsKey,
      alarmTopic: this.mailIntake.alarmTopic,
      targets,
      environment,
    });
    this.staffJobs = new StaffJobs(this, 'StaffJobs', {
      targets,
      environment,
      logsKey: this.keys.logsKey,
      alarmTopic: this.mailIntake.alarmTopic,
    });
    this.jobRunner = new JobRunner(this, 'JobRunner', {
      targets: { ...targets, rawMailBucketArn: this.mailIntake.bucket.bucketArn },
      environment: { ...environment, RAW_MAIL_BUCKET: this.mailIntake.bucket.bucketName },
      logsKey: this.keys.logsKey,
      alarmTopic: this.mailIntake.alarmTopic,
    });
    new CfnOutput(this, 'JobRunnerDeadLetterQueueUrl', {
      value: this.jobRunner.failures.queue.queueUrl,
      description: 'Staff jobs that failed three times (alarmed); redrive after fixing the cause (runbook)',
    });
    this.abuseAlarms = new AbuseAlarms(this, 'AbuseAlarms', {
      httpApi: this.api.httpApi,
      alarmTopic: this.mailIntake.alarmTopic,
    });
    this.web = new Web(this, 'Web', {
      apiOriginDomain: this.api.originDomain,
      webAclArn: props.webAclArn,
      originSecret: this.originSecret.value,
      // The portal's presigned budget-review PUT goes to the bucket's regional endpoint (what the SDK signs).
      uploadOrigin: `https://${this.budgetReviews.bucket.bucketRegionalDomainName}`,
      logsKey: this.keys.logsKey,
      staffSignIn: {
        cognitoDomainName: this.staffAuth.cognitoDomainName,
        clientId: this.staffAuth.client.userPoolClientId,
      },
      ...(props.portal
        ? {
            customDomain: {
              domainName: props.portal.domainName,
              certificate:
                typeof props.portal.certificate === 'string'
                  ? Certificate.fromCertificateArn(this, 'PortalCertificate', props.portal.certificate)
                  : props.portal.certificate,
            },
          }
        : {}),
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.stage.url,
      description:
        "The HTTP API's own URL: it refuses every call that skips CloudFront (403); use /api on the portal",
    });
    new CfnOutput(this, 'PortalDistributionUrl', {
      value: `https://${this.web.distribution.distributionDomainName}`,
      description:
        'The licensee portal and /api on one CloudFront domain (with -c portalDomain: its CNAME target)',
    });
    new CfnOutput(this, 'StaffUserPoolId', {
      value: this.staffAuth.userPool.userPoolId,
      description:
        'Create staff users here (admin-created only): aws cognito-idp admin-create-user, then admin-add-user-to-group viewer|handler|admin',
    });
    new CfnOutput(this, 'StaffConsoleClientId', { value: this.staffAuth.client.userPoolClientId });
    new CfnOutput(this, 'StaffSignInUrl', { value: this.staffAuth.domain.baseUrl() });
    new CfnOutput(this, 'PortalUrl', { value: props.portalUrl, description: 'The portal URL mails link to' });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'DataKeyArn', { value: this.keys.dataKey.keyArn });
    new CfnOutput(this, 'HmacKeyArn', { value: this.keys.hmacKey.keyArn });
    new CfnOutput(this, 'TableKeyArn', { value: this.keys.tableKey.keyArn });
    new CfnOutput(this, 'MailConfigurationSet', { value: this.mail.configurationSet.configurationSetName });
    this.mail.identity?.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimRecord${index + 1}`, {
        value: `${record.name} CNAME ${record.value}`,
        description: `Easy DKIM record ${index + 1} to publish in DNS for ${props.domainName}`,
      });
    });
    this.dnsOutputs(props, apiDomain);
  }

  /** Every DNS record the stack needs, as outputs (runbook: "DNS records"). None touches the apex MX. */
  private dnsOutputs(props: ZorgSomPrivacyStackProps, apiDomain: string | undefined): void {
    const record = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    record(
      'DnsInboundMx',
      `${props.inboundMailDomain}. MX 10 inbound-smtp.${this.region}.amazonaws.com.`,
      `SES receiving for info@${props.inboundMailDomain}; forward info@${props.domainName} there (runbook)`,
    );
    record(
      'DnsMailFromMx',
      `${this.mail.mailFromDomain}. MX 10 feedback-smtp.${this.region}.amazonses.com.`,
      'Custom MAIL FROM: bounces come back to SES on this subdomain',
    );
    record(
      'DnsMailFromSpf',
      `${this.mail.mailFromDomain}. TXT "v=spf1 include:amazonses.com ~all"`,
      'SPF for the MAIL FROM subdomain: SES mail passes SPF aligned with the From domain',
    );
    record(
      'DnsDmarc',
      `_dmarc.${props.domainName}. TXT "v=DMARC1; p=quarantine; rua=mailto:${props.staffMailbox}"`,
      'DMARC for the From domain (keep an existing policy if stricter; runbook)',
    );
    if (props.portal && apiDomain && this.api.domainName) {
      record(
        'DnsPortal',
        `${props.portal.domainName}. CNAME ${this.web.distribution.distributionDomainName}.`,
        'The portal (and /api) on its own domain',
      );
      record(
        'DnsApiOrigin',
        `${apiDomain}. CNAME ${this.api.domainName.regionalDomainName}.`,
        "The API's own domain, CloudFront's origin for /api/*",
      );
    }
  }
}
