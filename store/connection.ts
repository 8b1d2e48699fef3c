import mongoose, { type Connection } from 'mongoose';

export async function connectMongo(uri: string, opts: { serverSelectionTimeoutMS?: number } = {}): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMS ?? 5_000,
    // FerretDB and MongoDB both accept these defaults; retryWrites needs a replica set on MongoDB.
    retryWrites: false,
  });
  await conn.asPromise();
  return conn;
}
