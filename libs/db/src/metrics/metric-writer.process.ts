// One process of the concurrent-writers test: opens the SQLite database in the data
// directory given and appends `batches` batches of metric points to a run, one transaction
// each. Prints a JSON line { written, errors } when done.
// Usage: run-ts.mjs metric-writer.process.ts <dataDir> <runId> <writer> <batches> <perBatch>
import { openDatabase } from '../database';

async function main(): Promise<void> {
  const [dataDir, runId, writer, batches, perBatch] = process.argv.slice(2);
  const db = await openDatabase({ dataDir: dataDir as string });
  let written = 0;
  const errors: string[] = [];
  try {
    for (let b = 0; b < Number(batches); b++) {
      const points = Array.from({ length: Number(perBatch) }, (_, i) => ({ key: `w${writer}`, step: b * Number(perBatch) + i, value: Math.sin(b + i) }));
      try {
        written += await db.metrics.appendPoints(runId as string, points);
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  } finally {
    await db.close();
  }
  process.stdout.write(`${JSON.stringify({ written, errors })}\n`);
}

void main();
