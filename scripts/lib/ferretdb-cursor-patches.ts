/**
 * A page of an index-ordered list costs its own rows on FerretDB's PostgreSQL backend too (issue 30, the cluster mode).
 *
 * With the sort read from an index (ferretdb-index-patches.ts) the handler filters and limits lazily and closes the
 * query after the page, so the backend sends no LIMIT. pgx's `Rows.Close` then reads every row PostgreSQL still sends:
 * the at-risk queue's first page read the whole table (0.1 s at 2,000 projection rows, 0.6 s at 10,000:
 * `BENCH_CLUSTER=1 npx tsx bench/list-queries.ts`). SQLite stops where its caller stops; PostgreSQL needs a
 * server-side cursor for that. So an index-ordered query without a LIMIT is declared as a cursor in a read-only
 * transaction and fetched in batches (32 rows, then twice as many each time, up to 4,096): a page reads about its own
 * rows, a full read costs one round trip more per batch, and PostgreSQL plans a cursor for its first rows
 * (`cursor_tuple_fraction`). The transaction holds the pool connection the streamed query held before, for as long.
 */

/** Go source in these patches is indented with two spaces a level here and with tabs in the file. */
const go = (s: string) => s.replace(/^(?: {2})+/gm, (m) => '\t'.repeat(m.length / 2));

export const FERRETDB_CURSOR_PATCHES: { file: string; from: string; to: string }[] = [
  {
    file: 'internal/backends/postgresql/collection.go',
    from: go(`  rows, err := p.Query(ctx, q, args...)
  if err != nil {
    return nil, lazyerrors.Error(err)
  }

  return &backends.QueryResult{
    Iter: newQueryIterator(ctx, rows, params.OnlyRecordIDs),
  }, nil
`),
    to: go(`  var rows pgx.Rows

  // sla-desk patch (scripts/lib/ferretdb-cursor-patches.ts): an index-ordered read stops where its caller stops.
  if params.Limit == 0 && params.Sort.Len() > 0 && !params.Sort.Has("$natural") {
    rows, err = queryByCursor(ctx, p, q, args)
  } else {
    rows, err = p.Query(ctx, q, args...)
  }

  if err != nil {
    return nil, lazyerrors.Error(err)
  }

  return &backends.QueryResult{
    Iter: newQueryIterator(ctx, rows, params.OnlyRecordIDs),
  }, nil
`),
  },
  {
    file: 'internal/backends/postgresql/query_iterator.go',
    from: '\t"github.com/jackc/pgx/v5"\n',
    to: '\t"github.com/jackc/pgx/v5"\n\t"github.com/jackc/pgx/v5/pgconn"\n\t"github.com/jackc/pgx/v5/pgxpool"\n',
  },
  {
    file: 'internal/backends/postgresql/query_iterator.go',
    from: '// check interfaces\n',
    to: go(`// pageCursor is the one cursor a cursorRows declares in its own transaction.
const pageCursor = "sla_desk_page"

// cursorRows reads a query through a server-side cursor, in growing batches (sla-desk patch,
// scripts/lib/ferretdb-cursor-patches.ts): closing it sends nothing more, where a plain query's rows are all read.
type cursorRows struct {
  ctx   context.Context
  tx    pgx.Tx
  batch pgx.Rows
  size  int
  read  int
  err   error
}

// queryByCursor declares q as a cursor in a new read-only transaction and fetches its first batch.
func queryByCursor(ctx context.Context, p *pgxpool.Pool, q string, args []any) (pgx.Rows, error) {
  tx, err := p.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
  if err != nil {
    return nil, lazyerrors.Error(err)
  }

  r := &cursorRows{ctx: ctx, tx: tx, size: 32}

  if _, err = tx.Exec(ctx, "DECLARE "+pageCursor+" NO SCROLL CURSOR FOR "+q, args...); err == nil {
    err = r.fetch()
  }

  if err != nil {
    r.Close()
    return nil, lazyerrors.Error(err)
  }

  return r, nil
}

func (r *cursorRows) fetch() error {
  rows, err := r.tx.Query(r.ctx, fmt.Sprintf("FETCH %d FROM %s", r.size, pageCursor))
  if err != nil {
    return err
  }

  r.batch, r.read = rows, 0

  return nil
}

// Next moves to the next row, fetching the next batch when a full one is read.
func (r *cursorRows) Next() bool {
  for r.err == nil && r.batch != nil {
    if r.batch.Next() {
      r.read++
      return true
    }

    if r.err = r.batch.Err(); r.err != nil || r.read < r.size {
      return false
    }

    r.batch.Close()

    if r.size < 4096 {
      r.size *= 2
    }

    r.err = r.fetch()
  }

  return false
}

// Close closes the batch and ends the transaction, which closes the cursor.
func (r *cursorRows) Close() {
  if r.batch != nil {
    r.batch.Close()
  }

  if r.tx != nil {
    _ = r.tx.Rollback(context.Background())
    r.tx = nil
  }
}

func (r *cursorRows) Err() error {
  if r.err != nil {
    return r.err
  }

  return r.batch.Err()
}

func (r *cursorRows) CommandTag() pgconn.CommandTag                { return r.batch.CommandTag() }
func (r *cursorRows) FieldDescriptions() []pgconn.FieldDescription { return r.batch.FieldDescriptions() }
func (r *cursorRows) Scan(dest ...any) error                       { return r.batch.Scan(dest...) }
func (r *cursorRows) Values() ([]any, error)                       { return r.batch.Values() }
func (r *cursorRows) RawValues() [][]byte                          { return r.batch.RawValues() }
func (r *cursorRows) Conn() *pgx.Conn                              { return r.batch.Conn() }

// check interfaces
`),
  },
];
