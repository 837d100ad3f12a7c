-- AlterTable
ALTER TABLE "MetricPoint" ADD COLUMN     "special" TEXT;
