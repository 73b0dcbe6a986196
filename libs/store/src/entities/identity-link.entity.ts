import { EntitySchema } from 'typeorm';
import { idColumn, platformColumn, timeColumn } from './columns';

/** A row of `identity_link`: one account per person and platform, one person per account. */
export interface IdentityLinkRow {
  userId: string;
  platform: string;
  accountId: string;
  linkedAt: number;
}

export const IdentityLinkEntity = new EntitySchema<IdentityLinkRow>({
  name: 'IdentityLinkRow',
  tableName: 'identity_link',
  columns: {
    userId: idColumn('user_id', true),
    platform: platformColumn(true),
    accountId: idColumn('account_id'),
    linkedAt: timeColumn('linked_at'),
  },
  indices: [{ name: 'UQ_identity_link_account', columns: ['platform', 'accountId'], unique: true }],
});
