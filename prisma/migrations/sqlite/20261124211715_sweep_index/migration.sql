-- AlterTable
ALTER TABLE "Run" ADD COLUMN "sweepIndex" INTEGER;
