-- AlterTable
ALTER TABLE "Checkpoint" ADD COLUMN     "validationLoss" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "claimToken" TEXT,
ADD COLUMN     "stopRequested" BOOLEAN NOT NULL DEFAULT false;
