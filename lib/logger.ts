import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { currentLogContext } from './log-context'; // request/ticket/workflow ids on every line

export type { Logger };

/** `destination`: tests capture the lines; by default pino writes to stdout. */
export function createLogger(opts: { level: string; name: string }, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level,
    base: { service: opts.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: currentLogContext,
    redact: { paths: ['req.headers.authorization', 'apiKey', '*.apiKey'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
