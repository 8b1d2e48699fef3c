import mongoose, { type Connection } from 'mongoose';

export interface MongoConnectOptions {
  serverSelectionTimeoutMS?: number;
  /**
   * How long an operation may wait for the server's next bytes. The driver's default waits for ever: a store that
   * accepted a request and then went silent (a database server restarted under it) would hold the API's request, and
   * its client, until the client gave up. Past this the operation fails as the store being unavailable (503).
   */
  socketTimeoutMS?: number;
  /**
   * How long an operation may wait for a connection of the pool. The driver's default waits for ever, so requests
   * queued behind connections a silent server holds would wait with them; past this they fail as the store being
   * unavailable.
   */
  waitQueueTimeoutMS?: number;
}

export async function connectMongo(uri: string, opts: MongoConnectOptions = {}): Promise<Connection> {
  // Mongoose otherwise formats a stack trace for every query it runs, only to name where a query executed twice began;
  // with source maps on, that was 3 % of the API's CPU under load.
  mongoose.set('skipOriginalStackTraces', true);
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 5_000,
    socketTimeoutMS: opts.socketTimeoutMS ?? 60_000,
    waitQueueTimeoutMS: opts.waitQueueTimeoutMS ?? 60_000,
    // FerretDB and MongoDB both accept these defaults; retryWrites needs a replica set on MongoDB.
    retryWrites: false,
  });
  await conn.asPromise();
  return conn;
}
