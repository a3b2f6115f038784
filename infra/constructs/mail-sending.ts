import { keyAlias } from '../names.js';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { EventBus } from 'aws-cdk-lib/aws-events';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
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
 * deliver without TLS and keeps reputation metrics, and the outbox key. Functions that send mail only
 * encrypt with that key and write to the outbox (`sendStatement`); the one mail-sender (MailOutbox) decrypts
 * and calls SES (`sesStatement`).
 */
export class MailSending extends Construct {
  /** Undefined when the identity existed before (its DKIM records are then already in DNS). */
  readonly identity?: EmailIdentity;
  /** Custom MAIL FROM (bounce.<domain>): SPF aligns with the From domain, so DMARC passes on SPF too. */
  readonly mailFromDomain: string;
  readonly configurationSet: ConfigurationSet;
  readonly identityArn: string;
  readonly configurationSetArn: string;
  /** Seals outbox mails (recipient, subject, body): KMS Encrypt by producers, Decrypt by the mail-sender only. */
  readonly outboxKey: Key;
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
    // Bounces and complaints of our own mail go to the default event bus (the only bus SES publishes to),
    // where a rule hands permanent bounces and complaints to the mail-sender (MailOutbox), which keeps the
    // suppression list its sending policy reads. EventBridge rather than SNS: no topic to encrypt and
    // secure, the rule's pattern filters before anything runs, and retries and a dead-letter queue come
    // with the target, as for the redrive schedule.
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    this.outboxKey = new Key(this, 'OutboxKey', {
      description: 'ZorgSom Privacy: outgoing mail in the outbox (only the mail-sender decrypts)',
      alias: keyAlias(this, 'outbox'),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
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

  /**
   * What a function needs to send mail: seal it with the outbox key, for the outbox purpose only (the outbox
   * item itself is a table write). It cannot read back any mail.
   */
  sendStatement(): PolicyStatement {
    return new PolicyStatement({
      sid: 'SealOutgoingMail',
      actions: ['kms:Encrypt'],
      resources: [this.outboxKey.keyArn],
      conditions: { StringEquals: { 'kms:EncryptionContext:purpose': 'outbox' } },
    });
  }

  /** The mail-sender's SES grant: only from `mailFrom`, only through this identity and configuration set. */
  sesStatement(): PolicyStatement {
    return new PolicyStatement({
      sid: 'SendMailFromPrivacyAddress',
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [this.identityArn, this.configurationSetArn],
      conditions: { StringEquals: { 'ses:FromAddress': this.mailFrom } },
    });
  }
}
