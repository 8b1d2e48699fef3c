import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FERRETDB_CURSOR_PATCHES } from './ferretdb-cursor-patches';
import { FERRETDB_INDEX_PATCHES } from './ferretdb-index-patches';

/**
 * Builds tools/ferretdb against a patched copy of FerretDB 1.24's source (both backends: SQLite for `npm start`,
 * PostgreSQL for the cluster mode).
 *
 * FerretDB 1.24's SQLite backend creates the `_id` index on `_ferretdb_sjson->"_id"` but queries with
 * `_ferretdb_sjson->'$._id'`. Both select the same value, yet SQLite only uses an expression index
 * for the expression it was built on, so every find, update and delete by `_id` scanned the whole
 * table: 7 ms per `findOne` at 5,000 documents and growing linearly (BENCHMARKS.md). The patch makes
 * the query use the index's spelling; it changes no stored data, so existing databases keep working.
 * The second patch pushes `_id` down whenever the filter names one (`{ _id, version: { $lt } }`, the
 * projection's compare-and-set, and `{ _id, status }`, the notification claim), not only when it is
 * the filter's one key: FerretDB's handler applies the whole filter to what the backend returns in
 * any case, so narrowing by `_id` first cannot change a result.
 * The third makes each update and findAndModify atomic, as MongoDB's are: FerretDB reads the matching
 * documents, applies the update in Go and writes them back with no isolation, so two concurrent
 * conditional updates (`{ _id, status: 'sending' }`, `{ _id, version: { $lt } }`) could both match
 * and both "win" — a mail claimed twice, an older projection written last; an upsert could insert twice
 * and fail on the unique `_id`. The lock is in the handler, above both backends. SQLite serialises writes
 * anyway, so one lock around the read-modify-write costs little there. The PostgreSQL backend (the cluster
 * mode's) reads outside the transaction that writes, under READ COMMITTED, so it needs the lock as much;
 * it serialises updates of every collection where PostgreSQL would run them side by side, a few hundred
 * microseconds each, far more than the desk writes. The lock holds within one FerretDB process: the
 * cluster mode runs one, on one database (`ferretdb`) of its PostgreSQL; a second FerretDB on the same
 * database would need the updates done in SQL (or MongoDB, as docker-compose.yml runs).
 * The fourth is the PostgreSQL backend's `_id` lookup: it filters `_jsonb->$1 @> $2` (containment, the key
 * a parameter), which the `_id` index (a btree on `_jsonb->'_id'`) cannot serve, so a find or update by
 * `_id` scanned the table. For a string or ObjectId `_id` containment is equality, so the patch writes
 * `_jsonb->'_id' = $n`; as on SQLite the handler applies the whole filter to what comes back.
 * The rest let lists read from an index on both backends (ferretdb-index-patches.ts) and, on PostgreSQL, stop after
 * the page (ferretdb-cursor-patches.ts).
 * Go refuses overlays of files in the module cache, hence the copy and a `replace` directive, made
 * in a build folder of the tools cache, never in the repository.
 */

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

export interface SourcePatch {
  file: string;
  from: string;
  to: string;
  /** How many times `from` occurs in the file (all are replaced); 1 unless given. */
  occurrences?: number;
}

export const FERRETDB_PATCHES: SourcePatch[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: `IDColumn = DefaultColumn + "->'_id'"`,
  },
  {
    // Query and Explain.
    file: 'internal/backends/sqlite/collection.go',
    from: 'if params.Filter.Len() == 1 {',
    to: 'if params.Filter.Len() >= 1 {',
    occurrences: 2,
  },
  {
    file: 'internal/handler/msg_update.go',
    from: 'import (\n\t"context"\n\t"fmt"\n',
    to: 'import (\n\t"context"\n\t"fmt"\n\t"sync"\n',
  },
  {
    file: 'internal/handler/msg_update.go',
    from: 'func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {\n',
    to:
      '// writeMu makes each read-modify-write atomic (sla-desk patch, scripts/lib/ferretdb-build.ts).\nvar writeMu sync.Mutex\n\n' +
      'func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {\n\twriteMu.Lock()\n\tdefer writeMu.Unlock()\n',
  },
  {
    file: 'internal/handler/msg_findandmodify.go',
    from: 'func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {\n',
    to: 'func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {\n\twriteMu.Lock()\n\tdefer writeMu.Unlock()\n',
  },
  {
    file: 'internal/backends/postgresql/query.go',
    from: 'func filterEqual(p *metadata.Placeholder, k any, v any, operator string) (filter string, args []any) {\n',
    to:
      'func filterEqual(p *metadata.Placeholder, k any, v any, operator string) (filter string, args []any) {\n' +
      '\t// sla-desk patch (scripts/lib/ferretdb-build.ts): `_id` by equality, the expression its index is built on.\n' +
      '\tif k == "_id" {\n\t\tswitch v.(type) {\n\t\tcase string, types.ObjectID:\n' +
      '\t\t\treturn metadata.IDColumn + " = " + p.Next(), []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\n' +
      '\t\t}\n\t}\n\n',
  },
  ...FERRETDB_INDEX_PATCHES,
  ...FERRETDB_CURSOR_PATCHES,
];

/** Applies each patch; finding its text other than the expected number of times (another FerretDB version) is an error. */
export function applyPatches(root: string, patches: SourcePatch[]): void {
  for (const p of patches) {
    const file = path.join(root, p.file);
    const text = fs.readFileSync(file, 'utf8');
    const expected = p.occurrences ?? 1;
    const found = text.split(p.from).length - 1;
    if (found !== expected) {
      throw new Error(`ferretdb patch: expected ${expected} × \`${p.from}\` in ${p.file}, found ${found}`);
    }
    fs.writeFileSync(file, text.replaceAll(p.from, p.to));
  }
}

/** The module cache is read-only; its copy must not be, or the next build could not remove it. */
function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(p);
    else fs.chmodSync(p, 0o644);
  }
}

/**
 * Copies tools/ferretdb and the FerretDB module it requires into `workDir`, patches the copy and
 * points the module at it. Returns the folder to run `go build` in.
 */
export function prepareFerretDbSource(go: string, repoRoot: string, workDir: string, env: NodeJS.ProcessEnv): string {
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  for (const f of ['go.mod', 'go.sum', 'main.go'])
    fs.copyFileSync(path.join(repoRoot, 'tools/ferretdb', f), path.join(workDir, f));
  const out = execFileSync(go, ['mod', 'download', '-json', FERRETDB_MODULE], { cwd: workDir, env, encoding: 'utf8' });
  const { Dir } = JSON.parse(out) as { Dir: string };
  const source = path.join(workDir, 'FerretDB');
  fs.cpSync(Dir, source, { recursive: true });
  makeWritable(source);
  applyPatches(source, FERRETDB_PATCHES);
  execFileSync(go, ['mod', 'edit', `-replace=${FERRETDB_MODULE}=./FerretDB`], { cwd: workDir, env });
  return workDir;
}
