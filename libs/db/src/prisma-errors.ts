/**
 * Prisma's known request errors carry a stable code; only these are acted upon.
 * https://www.prisma.io/docs/orm/reference/error-reference
 */
export enum PrismaErrorCode {
  UniqueViolation = 'P2002',
  ForeignKeyViolation = 'P2003',
  RecordNotFound = 'P2025',
}

export function hasPrismaCode(error: unknown, code: PrismaErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
