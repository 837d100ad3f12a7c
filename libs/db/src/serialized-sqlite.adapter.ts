import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from '@prisma/driver-adapter-utils';

/**
 * Makes a single-connection SQLite adapter safe for concurrent use. The better-sqlite3
 * adapter runs every query on one connection and only serialises transactions against
 * each other, so a query issued while another request's transaction is open (between two
 * of its awaits) runs inside that transaction and is rolled back with it. Here every
 * statement outside a transaction waits for the open transaction to finish.
 */
export class SerializedSqliteAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = 'sqlite' as const;
  readonly adapterName: string;

  constructor(private readonly base: SqlDriverAdapterFactory) {
    this.adapterName = base.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return serialize(await this.base.connect());
  }
}

/** A FIFO lock: `acquire()` resolves to its release function once earlier holders released. */
function createLock(): () => Promise<() => void> {
  let tail = Promise.resolve();
  return async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = tail;
    tail = previous.then(() => held);
    await previous;
    return release;
  };
}

function serialize(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const acquire = createLock();
  const exclusive = async <T>(run: () => Promise<T>): Promise<T> => {
    const release = await acquire();
    try {
      return await run();
    } finally {
      release();
    }
  };
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query: SqlQuery) => exclusive(() => adapter.queryRaw(query)),
    executeRaw: (query: SqlQuery) => exclusive(() => adapter.executeRaw(query)),
    executeScript: (script: string) => exclusive(() => adapter.executeScript(script)),
    async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
      const release = await acquire();
      try {
        return holdUntilEnd(await adapter.startTransaction(isolationLevel), release);
      } catch (error) {
        release();
        throw error;
      }
    },
    getConnectionInfo: adapter.getConnectionInfo?.bind(adapter),
    dispose: () => exclusive(() => adapter.dispose()),
  };
}

/** The transaction, releasing the connection lock once it commits or rolls back. */
function holdUntilEnd(tx: Transaction, release: () => void): Transaction {
  const end = (finish: () => Promise<void>) => async () => {
    try {
      await finish();
    } finally {
      release();
    }
  };
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query) => tx.queryRaw(query),
    executeRaw: (query) => tx.executeRaw(query),
    commit: end(() => tx.commit()),
    rollback: end(() => tx.rollback()),
    createSavepoint: tx.createSavepoint?.bind(tx),
    rollbackToSavepoint: tx.rollbackToSavepoint?.bind(tx),
    releaseSavepoint: tx.releaseSavepoint?.bind(tx),
  };
}
