/**
 * The EMF documents our metrics writer prints, against the CloudWatch embedded metric format specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
 * and against the documents Powertools' Metrics printed for the same calls (written out by hand below from
 * its output before we replaced it): the alarms in infra/ select by namespace, metric name and the
 * `service` dimension, so these must not drift.
 */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../shared/observability/emf-metrics.js';
import { createObservability } from '../../../shared/observability.js';

const timestamp = Date.UTC(2026, 11, 1, 22, 0, 0);

function writer(options: { disabled?: boolean } = {}) {
  const lines: string[] = [];
  const metrics = createMetrics({
    namespace: 'ZorgSom',
    service: 'zorgsom-privacy',
    write: (line) => lines.push(line),
    now: () => timestamp,
    ...options,
  });
  return { metrics, lines, documents: () => lines.map((line) => JSON.parse(line) as unknown) };
}

/** The specification's rules for one document, as a list of violations (empty: valid). */
function specViolations(document: unknown): string[] {
  const problems: string[] = [];
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(document)) return ['the root node is not a JSON object'];
  const aws = document._aws;
  if (!isObject(aws)) return ['no _aws metadata object'];
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp))
    problems.push('_aws.Timestamp is not a number of milliseconds since the epoch');
  const directives = aws.CloudWatchMetrics;
  if (!Array.isArray(directives) || directives.length === 0) return [...problems, 'no CloudWatchMetrics'];
  for (const key of Object.keys(aws))
    if (!['Timestamp', 'CloudWatchMetrics', 'LogGroupName', 'LogStreamName'].includes(key))
      problems.push(`_aws has an unknown member ${key}`);
  for (const directive of directives as unknown[]) {
    if (!isObject(directive)) {
      problems.push('a MetricDirective is not an object');
      continue;
    }
    for (const key of Object.keys(directive))
      if (!['Namespace', 'Dimensions', 'Metrics'].includes(key))
        problems.push(`MetricDirective has an unknown member ${key}`);
    const namespace = directive.Namespace;
    if (
      typeof namespace !== 'string' ||
      namespace.length < 1 ||
      namespace.length > 1024 ||
      /^:/.test(namespace)
    )
      problems.push('Namespace must be a string of 1–1024 characters not starting with a colon');
    const dimensionSets = directive.Dimensions;
    if (!Array.isArray(dimensionSets)) problems.push('Dimensions must be an array of DimensionSets');
    for (const set of (dimensionSets ?? []) as unknown[]) {
      if (!Array.isArray(set) || set.length > 30) {
        problems.push('a DimensionSet must be an array of at most 30 dimension keys');
        continue;
      }
      for (const key of set as unknown[]) {
        const value = typeof key === 'string' ? document[key] : undefined;
        if (typeof value !== 'string' || value.length < 1 || value.length > 1024 || !/\S/.test(value))
          problems.push(
            `dimension ${String(key)} must reference a non-blank string member of 1–1024 characters`,
          );
      }
    }
    const definitions = directive.Metrics;
    if (!Array.isArray(definitions) || definitions.length > 100)
      problems.push('Metrics must be an array of at most 100 MetricDefinitions');
    for (const definition of (definitions ?? []) as unknown[]) {
      if (!isObject(definition) || typeof definition.Name !== 'string' || definition.Name.length < 1) {
        problems.push('a MetricDefinition needs a Name');
        continue;
      }
      for (const key of Object.keys(definition))
        if (!['Name', 'Unit', 'StorageResolution'].includes(key))
          problems.push(`MetricDefinition has an unknown member ${key}`);
      if (definition.Name.length > 1024) problems.push(`metric name ${definition.Name} is too long`);
      if (definition.Unit !== undefined && definition.Unit !== 'Count')
        problems.push(`unit ${String(definition.Unit)} is not one we mean to emit`);
      const value = document[definition.Name];
      const values = Array.isArray(value) ? value : [value];
      if (values.length < 1 || values.length > 100 || values.some((v) => typeof v !== 'number'))
        problems.push(`metric ${definition.Name} must reference a number or an array of 1–100 numbers`);
    }
  }
  return problems;
}

describe('EMF metrics writer', () => {
  it('aggregated counts: one document under the service dimension, repeated names as a value array', () => {
    const { metrics, lines, documents } = writer();
    metrics.addMetric('SignupsConfirmed', 'Count', 1);
    metrics.addMetric('SignupsConfirmed', 'Count', 1);
    metrics.addMetric('PurgedLicensees', 'Count', 3);
    expect(lines).toEqual([]);
    metrics.publishStoredMetrics();
    expect(documents()).toEqual([
      {
        _aws: {
          Timestamp: timestamp,
          CloudWatchMetrics: [
            {
              Namespace: 'ZorgSom',
              Dimensions: [['service']],
              Metrics: [
                { Name: 'SignupsConfirmed', Unit: 'Count' },
                { Name: 'PurgedLicensees', Unit: 'Count' },
              ],
            },
          ],
        },
        service: 'zorgsom-privacy',
        SignupsConfirmed: [1, 1],
        PurgedLicensees: 3,
      },
    ]);
    expect(specViolations(documents()[0])).toEqual([]);
    // Each line is one JSON object and nothing else (CloudWatch Logs reads a log event as the document).
    expect(lines[0]).toBe(JSON.stringify(JSON.parse(lines[0]!)));
  });

  it('a count with extra dimensions: its own document at once, service first in the one dimension set', () => {
    const { metrics, documents } = writer();
    metrics.publishSingleMetric('CodeRefused', 'Count', 1, { reason: 'expired' });
    expect(documents()).toEqual([
      {
        _aws: {
          Timestamp: timestamp,
          CloudWatchMetrics: [
            {
              Namespace: 'ZorgSom',
              Dimensions: [['service', 'reason']],
              Metrics: [{ Name: 'CodeRefused', Unit: 'Count' }],
            },
          ],
        },
        service: 'zorgsom-privacy',
        reason: 'expired',
        CodeRefused: 1,
      },
    ]);
    expect(specViolations(documents()[0])).toEqual([]);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('flushes only what was counted: no document for an empty flush, none twice', () => {
    const { metrics, lines } = writer();
    metrics.publishStoredMetrics();
    expect(lines).toEqual([]);
    metrics.addMetric('RequestsOverdue', 'Count', 0);
    metrics.publishStoredMetrics();
    metrics.publishStoredMetrics();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ RequestsOverdue: 0 });
  });

  it('keeps within the spec limits: a 101st metric or a 100th value starts a new document', () => {
    const { metrics, documents } = writer();
    for (let i = 0; i < 101; i += 1) metrics.addMetric(`Metric${i}`, 'Count', 1);
    metrics.publishStoredMetrics();
    for (let i = 0; i < 150; i += 1) metrics.addMetric('Many', 'Count', i);
    metrics.publishStoredMetrics();
    const all = documents();
    expect(all).toHaveLength(4);
    for (const document of all) expect(specViolations(document)).toEqual([]);
    expect(
      all.map(
        (d) =>
          (d as { _aws: { CloudWatchMetrics: { Metrics: unknown[] }[] } })._aws.CloudWatchMetrics[0]!.Metrics
            .length,
      ),
    ).toEqual([100, 1, 1, 1]);
    expect([(all[2] as { Many: number[] }).Many.length, (all[3] as { Many: number[] }).Many.length]).toEqual([
      100, 50,
    ]);
  });

  it('refuses what CloudWatch would drop: a name that is a dimension, a value that is not a number', () => {
    const { metrics, lines } = writer();
    expect(() => metrics.addMetric('service', 'Count', 1)).toThrow(RangeError);
    expect(() => metrics.addMetric('Broken', 'Count', Number.NaN)).toThrow(RangeError);
    expect(() => metrics.publishSingleMetric('kind', 'Count', 1, { kind: 'x' })).toThrow(RangeError);
    expect(lines).toEqual([]);
  });

  it('disabled (tests, the bench): counts are taken and forgotten, nothing is written', () => {
    const { metrics, lines } = writer({ disabled: true });
    metrics.addMetric('SignupsConfirmed', 'Count', 1);
    metrics.publishSingleMetric('CodeRefused', 'Count', 1, { reason: 'expired' });
    metrics.publishStoredMetrics();
    expect(lines).toEqual([]);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('createObservability reads namespace, service and POWERTOOLS_METRICS_DISABLED from its env', () => {
    const on = createObservability('signup', {
      POWERTOOLS_SERVICE_NAME: 'svc',
      POWERTOOLS_METRICS_NAMESPACE: 'Ns',
      POWERTOOLS_METRICS_DISABLED: 'false',
    });
    const off = createObservability('signup', { POWERTOOLS_METRICS_DISABLED: 'true' });
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (written.push(chunk), true)) as typeof process.stdout.write;
    try {
      on.count('SignupsConfirmed');
      on.count('FailedCodes', { reason: 'wrong' });
      on.metrics.publishStoredMetrics();
      off.count('SignupsConfirmed');
      off.count('FailedCodes', { reason: 'wrong' });
      off.metrics.publishStoredMetrics();
    } finally {
      process.stdout.write = original;
    }
    const documents = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      documents.map((d) => [
        d.service,
        (d._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]!.Namespace,
      ]),
    ).toEqual([
      ['svc', 'Ns'],
      ['svc', 'Ns'],
    ]);
    expect(documents[0]).toMatchObject({ reason: 'wrong', FailedCodes: 1 });
    expect(documents[1]).toMatchObject({ SignupsConfirmed: 1 });
  });
});
