import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../lib/config';
import { parseContacts } from '../lib/contacts';
import { createLogger } from '../lib/logger';
import { createMailer } from '../lib/mailer';
import { connectMongo } from '../store/connection';
import { createStore } from '../store';
import { createWorker } from './create-worker';

/** The worker process: runs ticket workflows and their activities. */
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, name: 'worker' });

const conn = await connectMongo(config.mongo.uri, { serverSelectionTimeoutMS: 30_000 });
const store = createStore(conn);
await store.init();
const mailer = createMailer({ url: config.smtp.url, from: config.smtp.from });
const connection = await NativeConnection.connect({ address: config.temporal.address });

const worker = await createWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  deps: {
    store,
    mailer,
    contacts: parseContacts(config.escalationContacts, config.mailDomain),
    publicUrl: config.publicUrl,
    now: () => new Date(),
    logger,
  },
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'worker shutting down');
    worker.shutdown();
  });
}
// The supervisor (npm start) keeps our stdin open; when it dies, stdin ends and we leave too.
if (process.env.SLA_DESK_SUPERVISED === '1') {
  process.stdin.on('end', () => worker.shutdown());
  process.stdin.resume();
}

logger.info({ taskQueue: config.temporal.taskQueue, address: config.temporal.address }, 'worker started');
await worker.run();
await connection.close();
await conn.close();
mailer.close();
logger.info('worker stopped');
