/**
 * Our JSON logger keeps the line shape Powertools' Logger gave (level, message, timestamp, service, the
 * Lambda context fields of injectLambdaContext, then our keys) and never prints an error's message.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions } from '../../../shared/observability/logger.js';
import { flushMetrics, injectLambdaContext } from '../../../shared/observability/middleware.js';
import { createMetrics } from '../../../shared/observability/emf-metrics.js';

const at = new Date(Date.UTC(2026, 11, 1, 22, 0, 0));
const context = {
  functionName: 'zorgsom-ttl-audit',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:zorgsom-ttl-audit',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  memoryLimitInMB: '256',
} as Context;

function logger(options: Partial<LoggerOptions> = {}) {
  const lines: string[] = [];
  const log = createLogger({
    service: 'zorgsom-privacy',
    persistentKeys: { function: 'ttl-audit' },
    write: (line) => lines.push(line),
    now: () => at,
    traceHeader: () => undefined,
    ...options,
  });
  return { log, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('JSON logger', () => {
  it('one JSON object per line: level, message, timestamp, service, our function key, then the fields', () => {
    const { log, lines } = logger();
    log.info('ttl audit done', { deleted: 2, skipped: undefined, note: '', nothing: null, big: 10n });
    expect(lines).toEqual([
      '{"level":"INFO","message":"ttl audit done","timestamp":"2026-12-01T22:00:00.000Z",' +
        '"service":"zorgsom-privacy","function":"ttl-audit","deleted":2,"big":"10"}',
    ]);
  });

  it('adds the Lambda context fields as Powertools did, cold_start only on the first on-demand invocation', async () => {
    const { log, parsed } = logger({
      initializationType: 'on-demand',
      traceHeader: () => 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1',
    });
    const handler = middy(async () => {
      log.appendKeys({ correlationId: 'corr-12345678' });
      log.info('handled');
    }).use(injectLambdaContext(log, { resetKeys: true }));
    await handler({}, context);
    await handler({}, context);
    log.info('between invocations');
    const [first, second, after] = parsed();
    expect(first).toEqual({
      level: 'INFO',
      message: 'handled',
      timestamp: '2026-12-01T22:00:00.000Z',
      service: 'zorgsom-privacy',
      cold_start: true,
      function_arn: context.invokedFunctionArn,
      function_memory_size: '256',
      function_name: 'zorgsom-ttl-audit',
      function_request_id: context.awsRequestId,
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      function: 'ttl-audit',
      correlationId: 'corr-12345678',
    });
    expect(second).toMatchObject({ cold_start: false, correlationId: 'corr-12345678' });
    // resetKeys: the appended keys end with the invocation, the context stays as Powertools kept it.
    expect(after).not.toHaveProperty('correlationId');
    expect(after).toMatchObject({ function_request_id: context.awsRequestId });
  });

  it('a provisioned (or unknown) container has no cold start', async () => {
    const { log, parsed } = logger({ initializationType: 'provisioned-concurrency' });
    await middy(async () => log.info('x')).use(injectLambdaContext(log))({}, context);
    expect(parsed()[0]).toMatchObject({ cold_start: false });
  });

  it('a field or an appended key cannot overwrite level, message, timestamp or service', () => {
    const { log, parsed } = logger();
    log.appendKeys({ level: 'ERROR', service: 'appended' });
    log.warn('kept', { level: 'DEBUG', message: 'replaced', timestamp: 'then', service: 'other', x: 1 });
    expect(parsed()[0]).toMatchObject({ level: 'WARN', message: 'kept', service: 'zorgsom-privacy', x: 1 });
    expect(parsed()[0]!.timestamp).toBe('2026-12-01T22:00:00.000Z');
  });

  it('an error is its class and stack frames only: never its message, not even a second line of it', () => {
    const { log, lines, parsed } = logger();
    const error = new TypeError('no licensee for jan@example.nl\nIBAN NL91ABNA0417164300');
    (error as Error & { input?: string }).input = 'Keizersgracht 1';
    log.error('request failed', { error });
    const text = lines.join('\n');
    for (const secret of ['jan@example.nl', 'NL91ABNA0417164300', 'Keizersgracht'])
      expect(text).not.toContain(secret);
    const logged = parsed()[0]!.error as { name: string; stack: string };
    expect(logged.name).toBe('TypeError');
    expect(logged.stack.split('\n').every((line) => /^\s+at /.test(line))).toBe(true);
    expect(logged.stack).toContain('logger.test.ts');
  });

  it('levels: POWERTOOLS_LOG_LEVEL names (any case), INFO when unknown, SILENT prints nothing', () => {
    const printed = (level: string | undefined) => {
      const { log, parsed } = logger({ level });
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
      return parsed().map((line) => line.level);
    };
    expect(printed('DEBUG')).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']);
    expect(printed(undefined)).toEqual(['INFO', 'WARN', 'ERROR']);
    expect(printed('nonsense')).toEqual(['INFO', 'WARN', 'ERROR']);
    expect(printed('warn')).toEqual(['WARN', 'ERROR']);
    expect(printed('ERROR')).toEqual(['ERROR']);
    expect(printed('SILENT')).toEqual([]);
  });

  it('a field that cannot be serialised still leaves a line saying what happened', () => {
    const { log, parsed } = logger();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.info('odd', { cyclic });
    expect(parsed()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'odd',
        function: 'ttl-audit',
        logFields: 'unserialisable',
      }),
    ]);
  });
});

describe('flushMetrics middleware', () => {
  it('writes the stored counts after the invocation, also when it failed, and nothing when none', async () => {
    const lines: string[] = [];
    const metrics = createMetrics({ namespace: 'ZorgSom', service: 's', write: (line) => lines.push(line) });
    let fail = false;
    const handler = middy(async () => {
      metrics.addMetric('MailsReceived', 'Count', 1);
      if (fail) throw new Error('down');
    }).use(flushMetrics(metrics));
    await handler({}, context);
    fail = true;
    await expect(handler({}, context)).rejects.toThrow('down');
    await middy(async () => {}).use(flushMetrics(metrics))({}, context);
    expect(lines.map((line) => (JSON.parse(line) as { MailsReceived: number }).MailsReceived)).toEqual([
      1, 1,
    ]);
  });
});
