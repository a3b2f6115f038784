import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './constructs/api.js';
import { Data } from './constructs/data.js';
import { BudgetReviewStorage } from './constructs/budget-reviews.js';
import { Functions, type GrantTargets } from './constructs/functions.js';
import { StaffJobs } from './constructs/staff-jobs.js';
import { Keys } from './constructs/keys.js';
import { MailIntake } from './constructs/mail-intake.js';
import { MailSending } from './constructs/mail-sending.js';
import { Retention } from './constructs/retention.js';
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
}

export class ZorgSomPrivacyStack extends Stack {
  readonly keys: Keys;
  readonly data: Data;
  readonly mail: MailSending;
  readonly functions: Functions;
  readonly api: Api;
  readonly mailIntake: MailIntake;
  readonly retention: Retention;
  readonly web: Web;
  readonly budgetReviews: BudgetReviewStorage;
  readonly staffJobs: StaffJobs;

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
    });

    this.budgetReviews = new BudgetReviewStorage(this, 'BudgetReviews');

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
    };
    // Exactly what shared/config.ts reads; AWS_REGION is set by Lambda itself.
    const environment = {
      TABLE_NAME: this.data.table.tableName,
      DATA_KEY_ID: this.keys.dataKey.keyArn,
      HMAC_KEY_ID: this.keys.hmacKey.keyArn,
      MAIL_FROM: props.mailFrom,
      PORTAL_URL: props.portalUrl,
      BUDGET_KEY_ID: this.budgetReviews.key.keyArn,
      BUDGET_REVIEW_BUCKET: this.budgetReviews.bucket.bucketName,
      STAFF_MAILBOX: props.staffMailbox,
    };

    // Mail to info@<domain>: SES receipt rule → S3 → mail-intake; daily request hygiene. Same targets and
    // environment as the HTTP functions.
    this.mailIntake = new MailIntake(this, 'MailIntake', {
      domainName: props.domainName,
      logsKey: this.keys.logsKey,
      targets,
      environment,
    });
    new CfnOutput(this, 'ReceiptRuleSetName', {
      value: this.mailIntake.ruleSet.receiptRuleSetName,
      description: 'Activate once: aws ses set-active-receipt-rule-set --rule-set-name <this value>',
    });
    new CfnOutput(this, 'RawMailBucket', { value: this.mailIntake.bucket.bucketName });
    new CfnOutput(this, 'MailAlarmTopicArn', {
      value: this.mailIntake.alarmTopic.topicArn,
      description: 'Subscribe the operations address: a mail-intake event reached the dead-letter queue',
    });
    // The HTTP functions: staff's approved deletions purge raw mail too, so they know its bucket.
    this.functions = new Functions(this, 'Functions', {
      logsKey: this.keys.logsKey,
      targets: { ...targets, rawMailBucketArn: this.mailIntake.bucket.bucketArn },
      environment: { ...environment, RAW_MAIL_BUCKET: this.mailIntake.bucket.bucketName },
    });
    this.api = new Api(this, 'Api', { functions: this.functions.byName, logsKey: this.keys.logsKey });

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
    this.staffJobs = new StaffJobs(this, 'StaffJobs', {
      targets,
      environment,
      logsKey: this.keys.logsKey,
      alarmTopic: this.mailIntake.alarmTopic,
    });
    this.web = new Web(this, 'Web', { httpApi: this.api.httpApi, logsKey: this.keys.logsKey });

    new CfnOutput(this, 'ApiUrl', { value: this.api.stage.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'PortalDistributionUrl', {
      value: `https://${this.web.distribution.distributionDomainName}`,
      description:
        'The licensee portal and /api on one CloudFront domain (point portalUrl here, or at a custom domain)',
    });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'DataKeyArn', { value: this.keys.dataKey.keyArn });
    new CfnOutput(this, 'HmacKeyArn', { value: this.keys.hmacKey.keyArn });
    new CfnOutput(this, 'TableKeyArn', { value: this.keys.tableKey.keyArn });
    new CfnOutput(this, 'MailConfigurationSet', { value: this.mail.configurationSet.configurationSetName });
    this.mail.identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimRecord${index + 1}`, {
        value: `${record.name} CNAME ${record.value}`,
        description: `Easy DKIM record ${index + 1} to publish in DNS for ${props.domainName}`,
      });
    });
  }
}
