import { describe, expect, it } from 'vitest';
import { resolveDatabaseTarget } from './migrations/database-target';
import { createPrismaClient } from './prisma-client.factory';
import { uniqueName } from './testing/fixtures';
import { PROVIDERS, useTestDatabase } from './testing/test-database';

describe.each(PROVIDERS)('the Prisma client on %s', (provider) => {
  const t = useTestDatabase(provider);

  it("does not roll back another request's write along with a failed transaction", async () => {
    const client = await createPrismaClient(resolveDatabaseTarget(t().databaseUrl, t().dataDir));
    try {
      const [inside, outside] = [uniqueName('inside'), uniqueName('outside')];
      const failing = client.$transaction(async (tx) => {
        await tx.experiment.create({ data: { name: inside } });
        await new Promise((resolve) => setTimeout(resolve, 100));
        throw new Error('roll back');
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await client.experiment.create({ data: { name: outside } });
      await expect(failing).rejects.toThrow('roll back');

      const names = (await client.experiment.findMany({ where: { name: { in: [inside, outside] } } })).map((e) => e.name);
      expect(names).toEqual([outside]);
    } finally {
      await client.$disconnect();
    }
  });
});
