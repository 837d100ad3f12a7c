import { createHash, randomBytes } from 'node:crypto';
import { invalidArgument, notFound } from '@genlab/errors';
import { z } from 'zod';
import { parseInput } from '../input-validation';
import { hasPrismaCode, PrismaErrorCode } from '../prisma-errors';
import type { DbClient } from '../prisma-client.factory';

export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const OWNED_KINDS = ['experiment', 'run', 'dataset'] as const;
export type OwnedKind = (typeof OWNED_KINDS)[number];

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface AccessRepository {
  /** A new token: the secret is returned here once and only its SHA-256 is stored. */
  createToken(input: { name: string; role: Role }): Promise<{ token: string; record: ApiToken }>;
  /** The active (not revoked) token with this secret, if any. */
  findActiveToken(secret: string): Promise<ApiToken | undefined>;
  listTokens(): Promise<ApiToken[]>;
  /** Revokes at once; NOT_FOUND for an unknown id. Revoking twice keeps the first time. */
  revokeToken(id: string): Promise<ApiToken>;
  /** Records that the token was used now. */
  touchToken(id: string): Promise<void>;
  /** Records who created a resource (first writer wins). */
  recordOwner(kind: OwnedKind, resourceId: string, tokenId: string): Promise<void>;
  ownerOf(kind: OwnedKind, resourceId: string): Promise<string | undefined>;
}

/** Tokens look like `glt_` + 43 base64url characters (256 random bits). */
const TOKEN_PREFIX = 'glt_';
export const hashToken = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

const newToken = z.object({ name: z.string().trim().min(1).max(200), role: z.enum(ROLES) });

export function createAccessRepository(db: DbClient): AccessRepository {
  const toToken = (row: { id: string; name: string; role: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiToken => ({
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  });
  return {
    async createToken(input) {
      const { name, role } = parseInput(newToken, input, 'token');
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const row = await db.apiToken.create({ data: { name, role, tokenHash: hashToken(token) } });
      return { token, record: toToken(row) };
    },
    async findActiveToken(secret) {
      if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return undefined;
      const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(secret) } });
      return row && !row.revokedAt ? toToken(row) : undefined;
    },
    async listTokens() {
      return (await db.apiToken.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map(toToken);
    },
    async revokeToken(id) {
      if (!id) throw invalidArgument('id: required');
      await db.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
      const row = await db.apiToken.findUnique({ where: { id } });
      if (!row) throw notFound('token', id);
      return toToken(row);
    },
    async touchToken(id) {
      await db.apiToken.updateMany({ where: { id }, data: { lastUsedAt: new Date() } });
    },
    async recordOwner(kind, resourceId, tokenId) {
      try {
        await db.resourceOwner.create({ data: { kind, resourceId, tokenId } });
      } catch (error) {
        if (!hasPrismaCode(error, PrismaErrorCode.UniqueViolation)) throw error;
      }
    },
    async ownerOf(kind, resourceId) {
      return (await db.resourceOwner.findUnique({ where: { kind_resourceId: { kind, resourceId } } }))?.tokenId;
    },
  };
}
