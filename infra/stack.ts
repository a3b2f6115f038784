import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './constructs/api.js';
import { Data } from './constructs/data.js';
import { Functions } from './constructs/functions.js';
import { Keys } from './constructs/keys.js';
import { MailSending } from './constructs/mail-sending.js';

export interface ZorgSomPrivacyStackProps extends StackProps {
  /** The mail domain, e.g. zorgsom.nl. */
  readonly domainName: string;
  /** The From address of every outgoing mail, e.g. privacy@zorgsom.nl. */
  readonly mailFrom: string;
  /** The licensee portal, linked from mails. */
  readonly portalUrl: string;
}

export class ZorgSomPrivacyStack extends Stack {
  readonly keys: Keys;
  readonly data: Data;
  readonly mail: MailSending;
  readonly functions: Functions;
  readonly api: Api;

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

    this.functions = new Functions(this, 'Functions', {
      logsKey: this.keys.logsKey,
      targets: {
        dataKeyArn: this.keys.dataKey.keyArn,
        hmacKeyArn: this.keys.hmacKey.keyArn,
        tableKeyArn: this.keys.tableKey.keyArn,
        tableArn: this.data.table.tableArn,
        indexArns: this.data.indexArns,
        sendMail: () => this.mail.sendStatement(),
        region: this.region,
      },
      // Exactly what shared/config.ts reads; AWS_REGION is set by Lambda itself.
      environment: {
        TABLE_NAME: this.data.table.tableName,
        DATA_KEY_ID: this.keys.dataKey.keyArn,
        HMAC_KEY_ID: this.keys.hmacKey.keyArn,
        MAIL_FROM: props.mailFrom,
        PORTAL_URL: props.portalUrl,
      },
    });

    this.api = new Api(this, 'Api', { functions: this.functions.byName, logsKey: this.keys.logsKey });

    new CfnOutput(this, 'ApiUrl', { value: this.api.stage.url, description: 'HTTP API base URL' });
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
