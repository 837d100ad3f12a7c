-- AlterTable
ALTER TABLE "Evaluation" ADD COLUMN "options" JSONB;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_EvaluationResult" (
    "evaluationId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "value" REAL NOT NULL,
    "unit" TEXT NOT NULL,
    "estimator" TEXT NOT NULL,
    "stdError" REAL,
    "sampleCount" INTEGER NOT NULL,
    "realValue" REAL,
    "realStdError" REAL,
    "features" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("evaluationId", "metric", "estimator", "unit"),
    CONSTRAINT "EvaluationResult_evaluationId_fkey" FOREIGN KEY ("evaluationId") REFERENCES "Evaluation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_EvaluationResult" ("estimator", "evaluationId", "metric", "sampleCount", "stdError", "unit", "value") SELECT "estimator", "evaluationId", "metric", "sampleCount", "stdError", "unit", "value" FROM "EvaluationResult";
DROP TABLE "EvaluationResult";
ALTER TABLE "new_EvaluationResult" RENAME TO "EvaluationResult";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
