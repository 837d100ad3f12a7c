-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "experimentId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "family" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "seed" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "statusReason" TEXT,
    "error" TEXT,
    "totalSteps" INTEGER NOT NULL,
    "stepsDone" INTEGER NOT NULL DEFAULT 0,
    "backend" TEXT,
    "worker" TEXT,
    "claimToken" TEXT,
    "heartbeatAt" DATETIME,
    "stopRequested" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sweepId" TEXT,
    "sweepIndex" INTEGER,
    "tags" TEXT NOT NULL DEFAULT '{}',
    "notes" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "Run_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Run_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Run_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("attempts", "backend", "claimToken", "config", "createdAt", "datasetId", "error", "experimentId", "family", "finishedAt", "heartbeatAt", "id", "seed", "startedAt", "status", "statusReason", "stepsDone", "stopRequested", "sweepId", "sweepIndex", "totalSteps", "worker") SELECT "attempts", "backend", "claimToken", "config", "createdAt", "datasetId", "error", "experimentId", "family", "finishedAt", "heartbeatAt", "id", "seed", "startedAt", "status", "statusReason", "stepsDone", "stopRequested", "sweepId", "sweepIndex", "totalSteps", "worker" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE INDEX "Run_experimentId_createdAt_idx" ON "Run"("experimentId", "createdAt");
CREATE INDEX "Run_status_createdAt_idx" ON "Run"("status", "createdAt");
CREATE INDEX "Run_datasetId_idx" ON "Run"("datasetId");
CREATE INDEX "Run_sweepId_idx" ON "Run"("sweepId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
