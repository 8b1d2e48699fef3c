import { Schema, type Connection } from 'mongoose';
import type { Vendor } from '../domain/entities';
import { DIRECTORY_CACHE_MS, microcache } from './microcache';
export type { Vendor };

/** Third parties tickets wait on, with their agreed response times. */

const vendorSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    calendar: { type: String, required: true },
    targetMinutes: { type: Number, required: true },
    contacts: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'vendors' },
);

export function createVendors(conn: Connection) {
  const VendorModel = conn.model('Vendor', vendorSchema);
  const toVendor = (d: Record<string, unknown>): Vendor => {
    const { _id, ...rest } = d;
    const v = rest as Omit<Vendor, 'id'>;
    // An empty list may come back absent.
    return { id: String(_id), ...v, contacts: v.contacts ?? [] };
  };
  // Every console ticket page offers them.
  const list = microcache(async () => {
    const docs = await VendorModel.find({}).sort({ name: 1, _id: 1 }).limit(500).lean();
    return docs.map((d) => toVendor(d as unknown as Record<string, unknown>));
  }, DIRECTORY_CACHE_MS);
  return {
    vendors: {
      async list(): Promise<Vendor[]> {
        return [...(await list())];
      },
      async get(id: string): Promise<Vendor | null> {
        const d = await VendorModel.findById(String(id)).lean();
        return d ? toVendor(d as unknown as Record<string, unknown>) : null;
      },
      /** Adds a vendor; false when one with that id exists already. */
      async add(v: Vendor): Promise<boolean> {
        const { id, ...fields } = v;
        const res = await VendorModel.updateOne({ _id: id }, { $setOnInsert: fields }, { upsert: true });
        list.forget();
        return res.upsertedCount === 1;
      },
    },
  };
}
