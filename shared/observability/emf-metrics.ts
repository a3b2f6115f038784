/**
 * CloudWatch metrics as Embedded Metric Format (EMF) documents on stdout: CloudWatch Logs extracts them into
 * metrics, no PutMetricData call and no client at init. The document shape follows the EMF specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
 * and matches what Powertools' Metrics wrote for the same calls, so the alarms in infra/ (namespace, metric
 * name, the `service` dimension) read the same metrics; test/unit/observability checks both.
 */

/** The units we emit (the spec allows CloudWatch's full list; a business event is a count). */
export const MetricUnit = { Count: 'Count' } as const;
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Spec limits: 100 metric definitions per directive, 100 values per metric, 30 dimensions per set. */
const maxMetricsPerDocument = 100;
const maxValuesPerMetric = 100;
const maxDimensionsPerSet = 30;

export interface MetricsOptions {
  namespace: string;
  /** The `service` dimension on every metric (the alarms select by it). */
  service: string;
  /** Counts are taken but nothing is written (tests, the bench). */
  disabled?: boolean;
  write?: (line: string) => void;
  now?: () => number;
}

export interface Metrics {
  /** Stored until `publishStoredMetrics`; the same name again adds a value (EMF takes an array). */
  addMetric(name: string, unit: MetricUnit, value: number): void;
  hasStoredMetrics(): boolean;
  /** Writes one document with every stored metric under the `service` dimension, then forgets them. */
  publishStoredMetrics(): void;
  /** One document at once for one metric with extra dimensions besides `service` (never personal values). */
  publishSingleMetric(
    name: string,
    unit: MetricUnit,
    value: number,
    dimensions: Readonly<Record<string, string>>,
  ): void;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const stored = new Map<string, { unit: MetricUnit; values: number[] }>();

  const document = (
    dimensions: Readonly<Record<string, string>>,
    metrics: ReadonlyMap<string, { unit: MetricUnit; values: number[] }>,
  ): string => {
    const names = Object.keys(dimensions);
    if (names.length > maxDimensionsPerSet)
      throw new RangeError(`more than ${maxDimensionsPerSet} dimensions`);
    const root: Record<string, unknown> = {
      _aws: {
        Timestamp: now(),
        CloudWatchMetrics: [
          {
            Namespace: options.namespace,
            Dimensions: [names],
            Metrics: [...metrics].map(([name, { unit }]) => ({ Name: name, Unit: unit })),
          },
        ],
      },
      ...dimensions,
    };
    for (const [name, { values }] of metrics) root[name] = values.length === 1 ? values[0] : values;
    return JSON.stringify(root);
  };

  const checked = (name: string, value: number) => {
    // A name that collides with a dimension or with `_aws` would make CloudWatch drop the document.
    if (name.length === 0 || name.length > 255 || name === '_aws' || name === 'service')
      throw new RangeError(`metric name not allowed: ${name}`);
    if (!Number.isFinite(value)) throw new RangeError(`metric ${name}: not a finite number`);
  };

  const metrics: Metrics = {
    addMetric(name, unit, value) {
      checked(name, value);
      if (!stored.has(name) && stored.size >= maxMetricsPerDocument) metrics.publishStoredMetrics();
      const entry = stored.get(name) ?? { unit, values: [] };
      entry.values.push(value);
      stored.set(name, entry);
      if (entry.values.length >= maxValuesPerMetric) metrics.publishStoredMetrics();
    },
    hasStoredMetrics: () => stored.size > 0,
    publishStoredMetrics() {
      if (stored.size === 0) return;
      try {
        if (!options.disabled) write(document({ service: options.service }, stored));
      } finally {
        stored.clear();
      }
    },
    publishSingleMetric(name, unit, value, dimensions) {
      checked(name, value);
      if (Object.hasOwn(dimensions, name)) throw new RangeError(`metric ${name} is also a dimension`);
      if (options.disabled) return;
      const single = new Map([[name, { unit, values: [value] }]]);
      write(document({ service: options.service, ...dimensions }, single));
    },
  };
  return metrics;
}
