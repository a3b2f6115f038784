import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';

export interface EdgeStackProps extends StackProps {
  /** The portal's own domain, e.g. privacy.zorgsom.nl. */
  readonly portalDomain: string;
}

/**
 * What CloudFront needs from us-east-1 (its certificates and web ACLs live only there): the portal's ACM
 * certificate, validated by a DNS record the operator publishes (the deploy waits for it; runbook). The main
 * stack reads its ARN through a cross-region reference. Other us-east-1 resources of the edge (a CLOUDFRONT
 * web ACL) belong here too.
 */
export class EdgeStack extends Stack {
  readonly certificate: Certificate;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
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
