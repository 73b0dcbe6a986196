import { EntitySchema } from 'typeorm';

/** A row of `store_meta`: small facts about the database itself (the vault key fingerprint). */
export interface StoreMetaRow {
  key: string;
  value: string;
}

export const StoreMetaEntity = new EntitySchema<StoreMetaRow>({
  name: 'StoreMetaRow',
  tableName: 'store_meta',
  columns: {
    key: { name: 'meta_key', type: 'varchar', length: 64, primary: true },
    value: { name: 'value', type: 'varchar', length: 256 },
  },
});
