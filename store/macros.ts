import { Schema, type Connection } from 'mongoose';
import type { Macro } from '../domain/entities';
import { DIRECTORY_CACHE_MS, microcache } from './microcache';
export type { Macro };

/** The agents' canned responses. */

const macroSchema = new Schema(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'macros' },
);

export function createMacros(conn: Connection) {
  const MacroModel = conn.model('Macro', macroSchema);
  const toMacro = (d: Record<string, unknown>): Macro => {
    const { _id, ...rest } = d;
    return { id: String(_id), ...(rest as Omit<Macro, 'id'>) };
  };
  // Every console ticket page offers them.
  const list = microcache(async () => {
    const docs = await MacroModel.find({}).sort({ title: 1, _id: 1 }).limit(200).lean();
    return docs.map((d) => toMacro(d as unknown as Record<string, unknown>));
  }, DIRECTORY_CACHE_MS);
  return {
    macros: {
      async list(): Promise<Macro[]> {
        return [...(await list())];
      },
      async get(id: string): Promise<Macro | null> {
        const d = await MacroModel.findById(String(id)).lean();
        return d ? toMacro(d as unknown as Record<string, unknown>) : null;
      },
      async put(m: Macro): Promise<void> {
        const { id, createdAt, ...fields } = m;
        await MacroModel.updateOne({ _id: id }, { $set: fields, $setOnInsert: { createdAt } }, { upsert: true });
        list.forget();
      },
      async remove(id: string): Promise<boolean> {
        const removed = (await MacroModel.deleteOne({ _id: String(id) })).deletedCount === 1;
        list.forget();
        return removed;
      },
    },
  };
}
