import 'server-only';
import { cookies } from 'next/headers';

/** The signed-in user's API token, in an httpOnly cookie (never readable by page scripts). */
export const SESSION_COOKIE = 'genlab_token';

/** Whether the services check tokens (GENLAB_AUTH=tokens): then the dashboard asks users to sign in. */
export const signInRequired = (): boolean => process.env.GENLAB_AUTH === 'tokens';

/**
 * The token calls to the services carry: the signed-in user's, else the dashboard's own
 * GENLAB_TOKEN (if any). Outside a request (no cookies to read) only the latter.
 */
export async function requestToken(): Promise<string | undefined> {
  try {
    return (await cookies()).get(SESSION_COOKIE)?.value ?? (process.env.GENLAB_TOKEN || undefined);
  } catch {
    return process.env.GENLAB_TOKEN || undefined;
  }
}
