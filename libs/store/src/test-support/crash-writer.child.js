// A separate Node process for the crash test. It loads the store's own TypeScript sources (the same batch
// code path the service uses) through scripts/register-ts.cjs, writes numbered batches, and on
// the batch named by argv[3] stops dead in the middle of the transaction so the parent can SIGKILL it there.
'use strict';
const fs = require('node:fs');
require('../../scripts/register-ts.cjs');

const { EntityManager } = require('typeorm');
const { openStore } = require('../index.ts');

const config = JSON.parse(process.argv[2]);
const stopInBatch = Number(process.argv[3]);
const people = Number(process.argv[4]);
const say = (line) => fs.writeSync(1, `${line}\n`);

let batch = 0;
let upserts = 0;
// The batch writes its snapshot rows with raw multi-row INSERTs (sql.ts insertRows) through manager.query.
const query = EntityManager.prototype.query;
EntityManager.prototype.query = async function (sql, ...rest) {
  const result = await query.call(this, sql, ...rest);
  if (!/^INSERT INTO \S*presence_snapshot/.test(sql)) return result;
  upserts++;
  if (batch === stopInBatch && upserts === 1) {
    say(`mid ${batch}`);
    // Block the event loop with the transaction open and rows written: the parent kills us here.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000);
  }
  return result;
};

(async () => {
  const store = await openStore({ database: config, encryptionKey: Buffer.alloc(32, 7) });
  say('open');
  for (batch = 1; ; batch++) {
    upserts = 0;
    const writer = store.createBatch();
    for (let i = 0; i < people; i++) {
      const userId = `p${String(i).padStart(5, '0')}`;
      writer.snapshot(userId, { userId, platform: 'slack', status: batch % 2 ? 'online' : 'away', lastUpdated: new Date(batch) }, batch);
      writer.change({ userId, platform: 'slack', from: null, to: 'online', at: new Date(batch) });
    }
    await writer.flush();
    say(`commit ${batch}`);
  }
})().catch((error) => {
  say(`error ${error.message}`);
  process.exit(1);
});
