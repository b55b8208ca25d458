import { Console } from 'node:console';
import type { Context } from 'aws-lambda';
import { invocationSlot, parseTraceHeader, traceHeaderOf } from './invocation.js';

/**
 * The structured logger of every function: one JSON line per entry, in the format Powertools'
 * Logger wrote before it (issue 16 replaced it: 21 KB of logger and commons in every cold start,
 * for the few calls below), so that the log queries and the tests read the same keys:
 *
 * `level`, `message`, `timestamp` (ISO, UTC), `service`, then the Lambda context of the
 * invocation (`cold_start`, `function_arn`, `function_memory_size`, `function_name`,
 * `function_request_id`; `cold_start` is true only on the first invocation of an environment
 * started for it), `xray_trace_id`, `correlation_id`, then what the call adds. An error is written
 * with its name, where it was thrown (`location`), its message, its stack and its cause; a bigint
 * as a string; an object met again inside itself is left out.
 *
 * The level: Lambda's Advanced Logging Controls (`AWS_LAMBDA_LOG_LEVEL`) first, as the service
 * drops lines below it anyway; then the one given here; then `POWERTOOLS_LOG_LEVEL` or
 * `LOG_LEVEL` (the variables Powertools read, kept so a deployed configuration means the same);
 * then the default given here; INFO otherwise. SILENT writes nothing.
 *
 * The invocation's keys (context, correlation id) live in its own slot (./invocation.ts): lines
 * of invocations running at once on one instance never take each other's.
 */

/**
 * Where the lines go: the process streams, through a console of our own rather than the global one,
 * which Lambda's runtime wraps in a record of its own (our line would become a string inside it). A
 * console ignores the stream's write errors (a closed pipe), so a log line never fails an invocation.
 */
const output = new Console({ stdout: process.stdout, stderr: process.stderr });

/** Writes one line: to stderr for warnings and errors, to stdout otherwise. */
export const writeLine = (line: string, toStderr = false): void => {
  if (toStderr) output.error(line);
  else output.log(line);
};

const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;

export type LogLevel = keyof typeof LEVELS;

/** A level name as the variables spell it (any case; Lambda's FATAL is CRITICAL), or undefined. */
export const logLevelOf = (value: string | undefined): LogLevel | undefined => {
  const name = value?.toUpperCase() === 'FATAL' ? 'CRITICAL' : value?.toUpperCase();
  return name !== undefined && Object.hasOwn(LEVELS, name) ? (name as LogLevel) : undefined;
};

type Attributes = Record<string, unknown>;

/** What a line holds of an error: the keys Powertools wrote, then the error's own. */
const formatError = (error: Error): Attributes => {
  const { name, message, stack, cause, ...own } = error as Error & Attributes;
  return { name, location: codeLocation(stack), message, stack, cause: cause instanceof Error ? formatError(cause) : cause, ...own };
};

/** `file:line` of the first stack frame that names one, named function or not. */
const codeLocation = (stack: unknown): string => {
  if (typeof stack !== 'string') return '';
  for (const frame of stack.split('\n')) {
    const match = /^\s*at (?:.*\()?(.+?):(\d+):\d+\)?$/.exec(frame);
    if (match) return `${match[1]}:${match[2]}`;
  }
  return '';
};

/** JSON.stringify's replacer: errors formatted, bigints as strings, an object inside itself left out. */
const replacer = () => {
  const ancestors: unknown[] = [];
  return function (this: unknown, _key: string, value: unknown): unknown {
    const replaced = value instanceof Error ? formatError(value) : value;
    if (typeof replaced === 'bigint') return replaced.toString();
    if (typeof replaced === 'object' && replaced !== null) {
      while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
      if (ancestors.includes(replaced)) return undefined;
      ancestors.push(replaced);
    }
    return replaced;
  };
};

interface InvocationKeys {
  readonly context?: Attributes;
  readonly correlationId?: string;
}

export interface LoggerOptions {
  readonly serviceName: string;
  /** Below the Advanced Logging Controls, above the variables. */
  readonly logLevel?: LogLevel;
  /** When neither the code nor a variable sets one (INFO otherwise): SILENT under the tests. */
  readonly defaultLevel?: LogLevel;
  /** Read once, when the logger is built (tests give their own). */
  readonly env?: NodeJS.ProcessEnv;
}

/** An entry's extra arguments: an error (under `error`), a string (under `extra`), or keys to add. */
type Extra = Error | string | Attributes;

export class Logger {
  readonly #service: string;
  readonly #level: LogLevel;
  readonly #env: NodeJS.ProcessEnv;
  readonly #keys = invocationSlot<InvocationKeys>('logger.keys', () => ({}));
  #coldStart: boolean;

  constructor(options: LoggerOptions) {
    this.#service = options.serviceName;
    this.#env = options.env ?? process.env;
    // Initialized ahead of any invocation (provisioned concurrency, SnapStart): no invocation waits for it.
    this.#coldStart = !['provisioned-concurrency', 'snap-start'].includes(this.#env.AWS_LAMBDA_INITIALIZATION_TYPE ?? '');
    this.#level =
      logLevelOf(this.#env.AWS_LAMBDA_LOG_LEVEL) ?? options.logLevel ?? logLevelOf(this.#env.POWERTOOLS_LOG_LEVEL || this.#env.LOG_LEVEL) ?? options.defaultLevel ?? 'INFO';
  }

  get level(): LogLevel {
    return this.#level;
  }

  /** Starts an invocation's lines: its Lambda context and correlation id, nothing of the one before. */
  beginInvocation(context: Context, correlationId: string): void {
    this.#keys.set({
      context: {
        cold_start: this.#coldStart,
        function_arn: context.invokedFunctionArn,
        function_memory_size: context.memoryLimitInMB,
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
      },
      correlationId,
    });
    this.#coldStart = false;
  }

  /** The correlation id of what the invocation handles from here on (a batch's record, say). */
  setCorrelationId(correlationId: string): void {
    this.#keys.set({ ...this.#keys.get(), correlationId });
  }

  debug(message: string, ...extra: Extra[]): void {
    this.#write('DEBUG', message, extra);
  }

  info(message: string, ...extra: Extra[]): void {
    this.#write('INFO', message, extra);
  }

  warn(message: string, ...extra: Extra[]): void {
    this.#write('WARN', message, extra);
  }

  error(message: string, ...extra: Extra[]): void {
    this.#write('ERROR', message, extra);
  }

  #write(level: LogLevel, message: string, extra: readonly Extra[]): void {
    if (LEVELS[level] < LEVELS[this.#level]) return;
    const { context, correlationId } = this.#keys.get();
    const entry: Attributes = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.#service,
      ...context,
      xray_trace_id: parseTraceHeader(traceHeaderOf(this.#env))?.root,
      correlation_id: correlationId,
    };
    for (const item of extra) {
      if (item instanceof Error) entry.error = item;
      else if (typeof item === 'string') entry.extra = item;
      else for (const [key, value] of Object.entries(item)) if (!Object.hasOwn(entry, key)) entry[key] = value;
    }
    writeLine(JSON.stringify(entry, replacer()), LEVELS[level] >= LEVELS.WARN);
  }
}
