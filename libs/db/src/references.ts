import { notFound } from '@genlab/errors';
import type { Prisma } from './generated/sqlite/client';

/** A client or an interactive transaction. */
type Reader = Prisma.TransactionClient;

/** NOT_FOUND unless the row exists: for clear errors instead of foreign key failures. */
export async function requireRun(client: Reader, id: string): Promise<void> {
  if (!(await client.run.findUnique({ where: { id }, select: { id: true } }))) throw notFound('run', id);
}

export async function requireExperiment(client: Reader, id: string): Promise<void> {
  if (!(await client.experiment.findUnique({ where: { id }, select: { id: true } }))) throw notFound('experiment', id);
}

export async function requireDataset(client: Reader, id: string): Promise<void> {
  if (!(await client.dataset.findUnique({ where: { id }, select: { id: true } }))) throw notFound('dataset', id);
}
