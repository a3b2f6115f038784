import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';
import { EdgeFirewall } from './constructs/edge-firewall.js';

export interface EdgeStackProps extends StackProps {
  /** The portal's own domain, e.g. privacy.zorgsom.nl: its certificate is made here (unless given as an ARN). */
  readonly portalDomain?: string;
}

/**
 * What CloudFront needs from us-east-1, where its web ACLs and certificates must live: the web ACL (always;
 * infra/constructs/edge-firewall.ts) and, with a portal domain of its own, the portal's ACM certificate,
 * validated by a DNS record the operator publishes (the deploy waits for it; runbook). The main stack reads
 * both ARNs through cross-region references; `cdk deploy --all` deploys this stack first.
 */
export class EdgeStack extends Stack {
  readonly firewall: EdgeFirewall;
  readonly certificate?: Certificate;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    // Web ACL names are unique per account (CLOUDFRONT scope): the stack name keeps two stages apart.
    this.firewall = new EdgeFirewall(this, 'Firewall', { name: this.stackName });
    new CfnOutput(this, 'WebAclArn', {
      value: this.firewall.webAcl.attrArn,
      description: "The portal distribution's web ACL (per-IP rate rules, AWS managed rule groups)",
    });
    if (props.portalDomain) {
      this.certificate = new Certificate(this, 'PortalCertificate', {
        domainName: props.portalDomain,
        validation: CertificateValidation.fromDns(),
      });
      new CfnOutput(this, 'PortalCertificateArn', {
        value: this.certificate.certificateArn,
        description: `ACM certificate for ${props.portalDomain} (CloudFront); validate it with the CNAME ACM shows`,
      });
    }
  }
}
