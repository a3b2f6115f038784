import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  Identity,
  MailFromBehaviorOnMxFailure,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailSendingProps {
  /** The domain mail is sent from, e.g. zorgsom.nl. */
  readonly domainName: string;
  /** The one From address functions may use, e.g. privacy@zorgsom.nl. */
  readonly mailFrom: string;
  /** The identity exists in the account already (SES allows one per domain): the stack only refers to it. */
  readonly existingIdentity?: boolean;
}

/**
 * Outgoing mail: the SES domain identity (Easy DKIM) with a default configuration set that refuses to
 * deliver without TLS and keeps reputation metrics. Functions do not name the configuration set: SES
 * applies the identity's default one to every send.
 */
export class MailSending extends Construct {
  /** Undefined when the identity existed before (its DKIM records are then already in DNS). */
  readonly identity?: EmailIdentity;
  /** Custom MAIL FROM (bounce.<domain>): SPF aligns with the From domain, so DMARC passes on SPF too. */
  readonly mailFromDomain: string;
  readonly configurationSet: ConfigurationSet;
  readonly identityArn: string;
  readonly configurationSetArn: string;
  private readonly mailFrom: string;

  constructor(scope: Construct, id: string, props: MailSendingProps) {
    super(scope, id);
    this.mailFrom = props.mailFrom;

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    this.mailFromDomain = `bounce.${props.domainName}`;
    if (!props.existingIdentity) {
      this.identity = new EmailIdentity(this, 'DomainIdentity', {
        identity: Identity.domain(props.domainName),
        configurationSet: this.configurationSet,
        mailFromDomain: this.mailFromDomain,
        // Until the MAIL FROM records are published, SES sends with its own MAIL FROM instead of refusing.
        mailFromBehaviorOnMxFailure: MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
      });
    }

    const stack = Stack.of(this);
    this.identityArn = stack.formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: props.domainName,
    });
    this.configurationSetArn = stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }

  /** The statement a function needs to send mail: only from `mailFrom`, only through this identity. */
  sendStatement(): PolicyStatement {
    return new PolicyStatement({
      sid: 'SendMailFromPrivacyAddress',
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [this.identityArn, this.configurationSetArn],
      conditions: { StringEquals: { 'ses:FromAddress': this.mailFrom } },
    });
  }
}
