/**
 * Lists read from an index on FerretDB 1.24 (issue 30, 100,000 open tickets).
 *
 * FerretDB 1.24 creates the indexes it is asked for (`_ferretdb_sjson->"field"` expression indexes) but its SQLite
 * backend uses none of them: it pushes down only an `_id` equality (backends/sqlite/collection.go Query), the
 * handler sorts in memory unless the sort is `$natural` and passes a limit down only with no filter and no sort
 * (handler/msg_find.go). So every list decoded every document of ticket_states: the at-risk queue's first page took
 * 9.4 s at 20,000 rows (BENCHMARKS.md, "Lists from an index"). These patches let a query that MongoDB answers from a
 * compound index be answered from the same index here:
 *
 * - a sort that is exactly one index's key (fields and directions, none nested) becomes the query's ORDER BY on the
 *   index's own expressions, and the handler skips its in-memory sort: its filter and limit iterators are lazy, so
 *   a page stops after `limit` matching documents instead of decoding the collection;
 * - under such a sort, a plain string equality on the index's first field, or its date bounds (and on PostgreSQL,
 *   where a JSON null sorts first, its `$ne: null`), become `WHERE` on that expression, so SQLite seeks to it (a customer's tickets, the next page of a queue); a field pinned by
 *   equality leaves the ORDER BY, or SQLite sorts the whole group again in a temporary B-tree;
 * - `_id: { $in: [strings] }` becomes `WHERE _id IN (…)` on the `_id` index (a page's rows by id);
 * - `explain` shows the plan the query runs (test/integration/ticket-lists.test.ts reads it).
 *
 * The handler still filters every document the backend returns, so a `WHERE` can only narrow, never change, a
 * result. The ORDER BY is SQLite's order of the index's JSON text, which is MongoDB's for what sla-desk sorts by:
 * dates (13-digit milliseconds), strings without characters below `#` or JSON escapes (ids, hashes, addresses); a JSON null sorts after every date, not
 * before as in MongoDB, so a sorted field that may be null is sorted only with its nulls filtered out
 * (store/ticket-states.ts). A string equality pushed down assumes its field holds scalars, as every schema here
 * does (a MongoDB equality also matches an array holding the value).
 */

/** Go source in these patches is indented with two spaces a level here and with tabs in the file. */
const go = (s: string) => s.replace(/^(?: {2})+/gm, (m) => '\t'.repeat(m.length / 2));

export const FERRETDB_INDEX_PATCHES: { file: string; from: string; to: string; occurrences?: number }[] = [
  {
    // The backend contract allowed only a `$natural` sort; an index sort passes through to the SQLite backend.
    file: 'internal/backends/collection.go',
    from: go(`  if params.Sort.Len() != 0 {
    must.BeTrue(params.Sort.Len() == 1)
`),
    to: go(`  if params.Sort.Len() != 0 && params.Sort.Has("$natural") {
    must.BeTrue(params.Sort.Len() == 1)
`),
    occurrences: 2,
  },
  {
    // The PostgreSQL backend (the cluster mode's): the same index sort as ORDER BY on the expressions its indexes are
    // built on (\`(_jsonb->'field')\`). Unpatched, a one-key sort other than \`$natural\` panicked (the client saw its
    // connection closed) and a longer one came back unsorted.
    file: 'internal/backends/postgresql/query.go',
    from: go(`func prepareOrderByClause(sort *types.Document) (string, []any) {
  if sort.Len() != 1 {
`),
    to: go(`func prepareOrderByClause(sort *types.Document) (string, []any) {
  // sla-desk patch (scripts/lib/ferretdb-index-patches.ts): a sort the handler matched to an index, in its order.
  if sort.Len() > 0 && !sort.Has("$natural") {
    cols := make([]string, 0, sort.Len())

    for _, k := range sort.Keys() {
      col := indexExpression(k)
      if dir, _ := sort.Get(k); dir == int64(-1) {
        col += " DESC"
      }

      cols = append(cols, col)
    }

    return " ORDER BY " + strings.Join(cols, ", "), nil
  }

  if sort.Len() != 1 {
`),
  },
  {
    // Query and Explain on PostgreSQL: the same narrowing as pushdownWhere on SQLite, added to FerretDB's own WHERE
    // (its \`@>\` containment no btree serves).
    file: 'internal/backends/postgresql/collection.go',
    from: go(`  where, args, err = prepareWhereClause(&placeholder, params.Filter)
  if err != nil {
    return nil, lazyerrors.Error(err)
  }
`),
    to: go(`  where, args, err = prepareWhereClause(&placeholder, params.Filter)
  if err != nil {
    return nil, lazyerrors.Error(err)
  }

  where, args = pushdownIndexed(&placeholder, where, args, params.Filter, params.Sort)
`),
  },
  {
    file: 'internal/backends/postgresql/collection.go',
    from: go(`  where, args, err := prepareWhereClause(&placeholder, params.Filter)
  if err != nil {
    return nil, lazyerrors.Error(err)
  }
`),
    to: go(`  where, args, err := prepareWhereClause(&placeholder, params.Filter)
  if err != nil {
    return nil, lazyerrors.Error(err)
  }

  where, args = pushdownIndexed(&placeholder, where, args, params.Filter, params.Sort)
`),
  },
  {
    file: 'internal/backends/postgresql/query.go',
    from: '\t"fmt"\n\t"strings"\n',
    to: '\t"fmt"\n\t"strconv"\n\t"strings"\n',
  },
  {
    file: 'internal/backends/postgresql/query.go',
    from: '// prepareOrderByClause returns ORDER BY clause',
    to: go(`// indexExpression is the expression metadata.Registry indexes a top-level field on.
func indexExpression(field string) string {
  return fmt.Sprintf("(%s->'%s')", metadata.DefaultColumn, strings.ReplaceAll(field, "'", "''"))
}

// pushdownIndexed adds what an index answers to the WHERE (sla-desk patch, scripts/lib/ferretdb-index-patches.ts):
// \`_id: {$in}\` of strings, and a string equality, date bounds or \`$ne: null\` on the first key of an index-ordered
// sort. Each only narrows (a JSON null or another type on the far side of a bound passes to the handler, which filters again).
func pushdownIndexed(p *metadata.Placeholder, where string, args []any, filter, sort *types.Document) (string, []any) {
  var conds []string

  if v, err := filter.Get("_id"); err == nil {
    if ids := stringsIn(v); ids != nil {
      marks := make([]string, len(ids))

      for i, id := range ids {
        marks[i] = p.Next()
        args = append(args, string(must.NotFail(sjson.MarshalSingleValue(id))))
      }

      conds = append(conds, fmt.Sprintf("%s IN (%s)", metadata.IDColumn, strings.Join(marks, ", ")))
    }
  }

  var first string
  if sort.Len() > 0 && !sort.Has("$natural") && !strings.ContainsAny(sort.Keys()[0], ".$") {
    first = sort.Keys()[0]
  }

  if v, err := filter.Get(first); first != "" && err == nil {
    switch v := v.(type) {
    case string:
      conds = append(conds, indexExpression(first)+" = "+p.Next())
      args = append(args, string(must.NotFail(sjson.MarshalSingleValue(v))))
    case *types.Document:
      ops := map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}

      for _, op := range v.Keys() {
        operand := must.NotFail(v.Get(op))

        if t, ok := operand.(time.Time); ok && ops[op] != "" {
          conds = append(conds, fmt.Sprintf("%s %s %s", indexExpression(first), ops[op], p.Next()))
          args = append(args, strconv.FormatInt(t.UnixMilli(), 10))
        }

        // A JSON null is the least jsonb and an absent field's NULL comes last: \`$ne: null\` starts the walk after
        // the nulls (closed tickets have no deadline) instead of reading past each of them.
        if op == "$ne" && operand == types.Null {
          conds = append(conds, indexExpression(first)+" > 'null'::jsonb")
        }
      }
    }
  }

  if len(conds) == 0 {
    return where, args
  }

  if where == "" {
    return " WHERE " + strings.Join(conds, " AND "), args
  }

  return where + " AND " + strings.Join(conds, " AND "), args
}

// stringsIn returns the strings of \`{$in: [strings]}\` (at most 1,000), or nil for anything else.
func stringsIn(v any) []string {
  d, ok := v.(*types.Document)
  if !ok || d.Len() != 1 || !d.Has("$in") {
    return nil
  }

  arr, ok := must.NotFail(d.Get("$in")).(*types.Array)
  if !ok || arr.Len() == 0 || arr.Len() > 1000 {
    return nil
  }

  out := make([]string, arr.Len())

  for i := 0; i < arr.Len(); i++ {
    s, ok := must.NotFail(arr.Get(i)).(string)
    if !ok {
      return nil
    }

    out[i] = s
  }

  return out
}

// prepareOrderByClause returns ORDER BY clause`),
  },
  {
    file: 'internal/handler/msg_find.go',
    from: go(`  qp, err := h.makeFindQueryParams(connCtx, params, &cInfo)
  if err != nil {
    return nil, err
  }
`),
    to: go(`  qp, err := h.makeFindQueryParams(connCtx, params, &cInfo)
  if err != nil {
    return nil, err
  }

  // sla-desk patch (scripts/lib/ferretdb-index-patches.ts): a sort that is an index's key is read in its order.
  iterParams := params
  if qp.Sort == nil && !h.DisablePushdown && sortIsIndexKey(connCtx, coll, params.Sort) {
    qp.Sort = params.Sort
    unsorted := *params
    unsorted.Sort = nil
    iterParams = &unsorted
  }
`),
  },
  {
    file: 'internal/handler/msg_find.go',
    from: go(`  iter, err := h.makeFindIter(queryRes.Iter, closer, params)
`),
    to: go(`  iter, err := h.makeFindIter(queryRes.Iter, closer, iterParams)
`),
  },
  {
    file: 'internal/handler/msg_find.go',
    from: 'type findCursorData struct {\n',
    to: go(`// sortIsIndexKey reports whether the sort names exactly one index's fields and directions, none nested
// (sla-desk patch, scripts/lib/ferretdb-index-patches.ts).
func sortIsIndexKey(ctx context.Context, coll backends.Collection, sort *types.Document) bool {
  if sort.Len() == 0 || sort.Has("$natural") {
    return false
  }

  res, err := coll.ListIndexes(ctx, new(backends.ListIndexesParams))
  if err != nil {
    return false
  }

  keys := sort.Keys()

  for _, index := range res.Indexes {
    if len(index.Key) != len(keys) {
      continue
    }

    same := true

    for i, k := range index.Key {
      dir, _ := sort.Get(keys[i])
      if k.Field != keys[i] || strings.ContainsAny(k.Field, ".$") || k.Descending != (dir == int64(-1)) {
        same = false
        break
      }
    }

    if same {
      return true
    }
  }

  return false
}

type findCursorData struct {
`),
  },
  {
    file: 'internal/backends/sqlite/query.go',
    from: go(`func prepareOrderByClause(sort *types.Document) string {
  if sort.Len() != 1 {
`),
    to: go(`func prepareOrderByClause(sort *types.Document) string {
  // sla-desk patch (scripts/lib/ferretdb-index-patches.ts): a sort the handler matched to an index, in its order.
  if sort.Len() > 0 && !sort.Has("$natural") {
    return indexOrderBy(sort, 0)
  }

  if sort.Len() != 1 {
`),
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: go(`  q += whereClause
  q += prepareOrderByClause(params.Sort)
`),
    to: go(`  orderByClause := prepareOrderByClause(params.Sort)

  if whereClause == "" {
    var pinned bool
    whereClause, args, pinned = pushdownWhere(params.Filter, params.Sort)

    // SQLite sorts again (a temporary b-tree of the whole group) when the ORDER BY repeats the key the WHERE pins.
    if pinned {
      orderByClause = indexOrderBy(params.Sort, 1)
    }
  }

  q += whereClause
  q += orderByClause
`),
  },
  {
    // \`explain\` shows the same plan as the query (test/integration/ticket-lists.test.ts reads it).
    file: 'internal/handler/msg_explain.go',
    from: go(`  res, err := coll.Explain(connCtx, qp)
`),
    to: go(`  if qp.Sort == nil && !h.DisablePushdown && sortIsIndexKey(connCtx, coll, params.Sort) {
    qp.Sort = params.Sort
  }

  res, err := coll.Explain(connCtx, qp)
`),
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: go(`  orderByClause := prepareOrderByClause(params.Sort)
  sortPushdown := orderByClause != ""
`),
    to: go(`  orderByClause := prepareOrderByClause(params.Sort)
  sortPushdown := orderByClause != ""

  if whereClause == "" {
    var pinned bool
    whereClause, args, pinned = pushdownWhere(params.Filter, params.Sort)
    filterPushdown = whereClause != ""

    if pinned {
      orderByClause = indexOrderBy(params.Sort, 1)
    }
  }
`),
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '\t"sort"\n\t"strings"\n',
    to: '\t"sort"\n\t"strconv"\n\t"strings"\n\t"time"\n',
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '// check interfaces\n',
    to: go(`// indexExpression is the expression metadata.Registry indexes a top-level field on.
func indexExpression(field string) string {
  return fmt.Sprintf("%s->%q", metadata.DefaultColumn, field)
}

// indexOrderBy orders by the sort's keys from the index'th on, on the index's expressions.
func indexOrderBy(sort *types.Document, from int) string {
  keys := sort.Keys()[from:]
  if len(keys) == 0 {
    return ""
  }

  cols := make([]string, 0, len(keys))

  for _, k := range keys {
    col := indexExpression(k)
    if dir, _ := sort.Get(k); dir == int64(-1) {
      col += " DESC"
    }

    cols = append(cols, col)
  }

  return " ORDER BY " + strings.Join(cols, ", ")
}

// pushdownWhere narrows a query in SQL (sla-desk patch, scripts/lib/ferretdb-index-patches.ts): \`_id: {$in}\` of
// strings, and a string equality (pinned: true) or date bounds on the first field of an index-ordered sort. The
// handler filters again.
func pushdownWhere(filter, sort *types.Document) (string, []any, bool) {
  if filter.Len() == 0 {
    return "", nil, false
  }

  if v, err := filter.Get("_id"); err == nil {
    if ids := stringsIn(v); ids != nil {
      marks := make([]string, len(ids))
      args := make([]any, len(ids))

      for i, id := range ids {
        marks[i] = "?"
        args[i] = string(must.NotFail(sjson.MarshalSingleValue(id)))
      }

      return fmt.Sprintf(\` WHERE %s IN (%s)\`, metadata.IDColumn, strings.Join(marks, ", ")), args, false
    }
  }

  if sort.Len() == 0 || sort.Has("$natural") {
    return "", nil, false
  }

  first := sort.Keys()[0]
  if strings.ContainsAny(first, ".$") {
    return "", nil, false
  }

  v, err := filter.Get(first)
  if err != nil {
    return "", nil, false
  }

  if s, ok := v.(string); ok {
    where := fmt.Sprintf(\` WHERE %s = ?\`, indexExpression(first))
    return where, []any{string(must.NotFail(sjson.MarshalSingleValue(s)))}, true
  }

  where, args := dateRange(first, v)

  return where, args, false
}

// dateRange turns the date bounds of \`{$gt, $gte, $lt, $lte}\` into comparisons of the index's JSON text (13-digit
// milliseconds compare as text as they do as numbers); other operators stay with the handler alone.
func dateRange(field string, v any) (string, []any) {
  d, ok := v.(*types.Document)
  if !ok {
    return "", nil
  }

  ops := map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
  var conds []string
  var args []any

  for _, op := range d.Keys() {
    t, isTime := must.NotFail(d.Get(op)).(time.Time)
    if ms := t.UnixMilli(); !isTime || ops[op] == "" || ms < 1e12 || ms >= 1e13 {
      continue
    }

    conds = append(conds, fmt.Sprintf("%s %s ?", indexExpression(field), ops[op]))
    args = append(args, strconv.FormatInt(t.UnixMilli(), 10))
  }

  if len(conds) == 0 {
    return "", nil
  }

  return " WHERE " + strings.Join(conds, " AND "), args
}

// stringsIn returns the strings of \`{$in: [strings]}\` (at most 1,000), or nil for anything else.
func stringsIn(v any) []string {
  d, ok := v.(*types.Document)
  if !ok || d.Len() != 1 {
    return nil
  }

  in, err := d.Get("$in")
  if err != nil {
    return nil
  }

  arr, ok := in.(*types.Array)
  if !ok || arr.Len() == 0 || arr.Len() > 1000 {
    return nil
  }

  out := make([]string, arr.Len())

  for i := 0; i < arr.Len(); i++ {
    s, ok := must.NotFail(arr.Get(i)).(string)
    if !ok {
      return nil
    }

    out[i] = s
  }

  return out
}

// check interfaces
`),
  },
];
