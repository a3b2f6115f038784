/**
 * Structured JSON log lines, one per call, on stdout (Lambda sends stdout to CloudWatch Logs as is).
 *
 * Our own instead of Powertools' Logger (see README, "Where this departs"): every function reads its logger
 * at cold init, and Powertools' logger, metrics and commons (≈ 33 KB of module text) cost ≈ 7 ms of V8
 * compiling there. This keeps the line shape Powertools gave us — level, message, timestamp, service, the
 * Lambda context fields of `injectLambdaContext`, our persistent keys, appended keys, then the call's fields
 * — and the Powertools environment names, so the stack, the local stack and every test configure it as before.
 */

/** Powertools' thresholds, so a level name in the environment means what it meant there. */
const thresholds = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
type LevelName = keyof typeof thresholds;

/** What a log call carries: ids, route keys, outcomes, counts and error classes, never a personal value. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The parts of the Lambda context a log line names (aws-lambda's `Context` has them all). */
export interface LambdaContextFields {
  readonly functionName: string;
  readonly invokedFunctionArn: string;
  readonly awsRequestId: string;
  readonly memoryLimitInMB: string;
}

export interface LoggerOptions {
  service: string;
  /** On every line (ours: `function`, the function's short name). */
  persistentKeys?: LogFields;
  /** A level name (DEBUG, INFO, WARN, ERROR, SILENT, …); unknown or absent: INFO. */
  level?: string | undefined;
  /** `on-demand` in Lambda for a container started by a request: its first invocation is the cold start. */
  initializationType?: string | undefined;
  /** The X-Ray header Lambda sets per invocation (`Root=…;Parent=…;Sampled=…`), read at each line. */
  traceHeader?: () => string | undefined;
  write?: (line: string) => void;
  now?: () => Date;
}

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Keys on every line until `resetKeys` (the middleware resets them after each invocation). */
  appendKeys(keys: LogFields): void;
  resetKeys(): void;
  /** The invocation's context on every line from now on (as Powertools, it stays until the next one). */
  addContext(context: LambdaContextFields): void;
}

/**
 * An Error as a log value: its class and its stack frames, never its message. SDK and library messages may
 * quote input (an address, a name), and a multi-line message continues into `stack`'s first lines, so only
 * the `at …` frames are kept.
 */
export function errorForLog(error: Error): { name: string; stack?: string } {
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8);
  return frames.length > 0 ? { name: error.name, stack: frames.join('\n') } : { name: error.name };
}

function jsonValue(_key: string, value: unknown): unknown {
  if (value instanceof Error) return errorForLog(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

const traceIdOf = (header: string | undefined): string | undefined => {
  if (!header) return undefined;
  if (!header.includes('=')) return header;
  return /(?:^|;)Root=([^;]+)/.exec(header)?.[1];
};

export function createLogger(options: LoggerOptions): Logger {
  const requested = options.level?.trim().toUpperCase() ?? '';
  const threshold = thresholds[(requested in thresholds ? requested : 'INFO') as LevelName];
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const traceHeader = options.traceHeader ?? (() => process.env._X_AMZN_TRACE_ID);
  const persistent = { ...options.persistentKeys };
  // Powertools' rule: only an on-demand container has a cold start (provisioned ones were warmed).
  let coldStartPending = options.initializationType === 'on-demand';
  let context: Record<string, unknown> = {};
  let appended: Record<string, unknown> = {};

  const print = (level: LevelName, message: string, fields: LogFields | undefined) => {
    if (thresholds[level] < threshold) return;
    const own = { level, message, timestamp: now().toISOString(), service: options.service };
    const line: Record<string, unknown> = {
      ...own,
      ...context,
      xray_trace_id: traceIdOf(traceHeader()),
      ...persistent,
      ...appended,
      ...fields,
    };
    // The line's own keys keep their place and value whatever a field or appended key of that name says.
    Object.assign(line, own);
    // As Powertools: empty values are left out rather than printed as null or "".
    for (const key of Object.keys(line)) {
      if (line[key] === undefined || line[key] === null || line[key] === '') delete line[key];
    }
    let text: string;
    try {
      text = JSON.stringify(line, jsonValue);
    } catch {
      // A cycle or a throwing getter in the fields: the line still says what happened, without them.
      const { level: l, message: m, timestamp, service } = line;
      text = JSON.stringify({
        level: l,
        message: m,
        timestamp,
        service,
        ...persistent,
        logFields: 'unserialisable',
      });
    }
    write(text);
  };

  return {
    debug: (message, fields) => print('DEBUG', message, fields),
    info: (message, fields) => print('INFO', message, fields),
    warn: (message, fields) => print('WARN', message, fields),
    error: (message, fields) => print('ERROR', message, fields),
    appendKeys(keys) {
      appended = { ...appended, ...keys };
    },
    resetKeys() {
      appended = {};
    },
    addContext(lambda) {
      context = {
        cold_start: coldStartPending,
        function_arn: lambda.invokedFunctionArn,
        function_memory_size: lambda.memoryLimitInMB,
        function_name: lambda.functionName,
        function_request_id: lambda.awsRequestId,
      };
      coldStartPending = false;
    },
  };
}
