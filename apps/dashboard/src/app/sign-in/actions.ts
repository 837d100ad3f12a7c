'use server';

import { status, type ServiceError } from '@grpc/grpc-js';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { createGenlabClients, unary } from '@genlab/client';
import { loadConfig } from '@genlab/config';
import { SESSION_COOKIE } from '@/lib/server/session';

export interface SignInState {
  error?: string;
}

/** Only same-site paths: never redirect to another origin after signing in. */
const safeNext = (next: unknown) => (typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/');

/** Checks the token against the services (a read every role may make), then keeps it in the session cookie. */
export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const token = String(form.get('token') ?? '').trim();
  if (!token) return { error: 'Paste the API token an admin created for you (npm run admin -- tokens create …).' };
  const clients = createGenlabClients(loadConfig().addresses, { token });
  try {
    await unary(clients.training.listExperiments, clients.training, { pageSize: 1, offset: 0 }, 10_000);
  } catch (error) {
    const code = (error as ServiceError).code;
    if (code === status.UNAUTHENTICATED) return { error: 'That token is not valid (unknown or revoked). Ask an admin for a new one.' };
    return { error: `The training service could not check the token (${status[code] ?? 'error'}); try again when it is up.` };
  } finally {
    clients.close();
  }
  // Secure (HTTPS-only) whenever the dashboard is served over HTTPS, e.g. behind a TLS proxy.
  const request = await headers();
  const https = request.get('x-forwarded-proto') === 'https' || (request.get('origin') ?? '').startsWith('https://');
  (await cookies()).set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: https, path: '/', maxAge: 60 * 60 * 12 });
  redirect(safeNext(form.get('next')));
}

export async function signOut(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
  redirect('/sign-in');
}
