import { pino, type Logger } from 'pino';
import { currentLogContext } from './log-context'; // issue 8: request/ticket/workflow ids on every line

export type { Logger };

export function createLogger(opts: { level: string; name: string }): Logger {
  return pino({
    name: opts.name,
    level: opts.level,
    base: { service: opts.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: currentLogContext, // issue 8
    redact: { paths: ['req.headers.authorization', 'apiKey', '*.apiKey'], censor: '[redacted]' },
  });
}
