-- AlterTable
ALTER TABLE "Evaluation" ADD COLUMN     "options" JSONB;

-- AlterTable
ALTER TABLE "EvaluationResult" ADD COLUMN     "features" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "realStdError" DOUBLE PRECISION,
ADD COLUMN     "realValue" DOUBLE PRECISION;
