import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { isStoreUnavailable } from '../../store/errors';

/** FerretDB's answers while the PostgreSQL under it is away (captured from FerretDB 1.24 with PostgreSQL stopped). */
const ferretdbError = (errmsg: string, code = 1) =>
  new mongoose.mongo.MongoServerError({ ok: 0, code, codeName: 'InternalError', errmsg });

describe('a store that is away, not broken', () => {
  it("takes FerretDB's InternalError for its PostgreSQL being unreachable or stopping as unavailable (503, not 500)", () => {
    expect(
      isStoreUnavailable(
        ferretdbError(
          '[msg_insert.go:168 handler.(*Handler).MsgInsert] failed to connect to `user=temporal database=ferretdb`:\n\t127.0.0.1:42889 (127.0.0.1): dial error: dial tcp 127.0.0.1:42889: connect: connection refused',
        ),
      ),
    ).toBe(true);
    expect(
      isStoreUnavailable(
        ferretdbError(
          '[collection.go:109 postgresql.(*collection).Query] FATAL: terminating connection due to administrator command (SQLSTATE 57P01)',
        ),
      ),
    ).toBe(true);
    expect(isStoreUnavailable(ferretdbError('FATAL: the database system is starting up (SQLSTATE 57P03)'))).toBe(true);
  });

  it('leaves other server errors alone: a bug answers 500, a duplicate key is not an outage', () => {
    expect(isStoreUnavailable(ferretdbError('[msg_find.go:93] unexpected nil document'))).toBe(false);
    expect(isStoreUnavailable(ferretdbError('E11000 duplicate key error (SQLSTATE 23505) conn closed', 11000))).toBe(
      false,
    );
    expect(isStoreUnavailable(new Error('failed to connect to `user=x`'))).toBe(false);
  });
});
