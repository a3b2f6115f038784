import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * How long operational logs live. Function logs never contain personal data (handlers log ids and
 * outcomes only), but logs must not live forever either: one year covers incident investigation and the
 * yearly audit of the processing register.
 */
export const FUNCTION_LOG_RETENTION = RetentionDays.ONE_YEAR;

/** API access logs (ids, routes, statuses, latencies; no IP) serve abuse and incident analysis. */
export const ACCESS_LOG_RETENTION = RetentionDays.THREE_MONTHS;
