import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { SESSION_COOKIE, signInRequired } from '@/lib/server/session';
import { signOut } from './actions';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const signedIn = (await cookies()).has(SESSION_COOKIE);
  return (
    <section>
      <h1>Sign in</h1>
      {signInRequired() ? (
        <p>These services check an API token on every call; your role (viewer, editor or admin) decides what you may do here.</p>
      ) : (
        <p>Access control is off (GENLAB_AUTH=open): signing in is not needed.</p>
      )}
      <SignInForm next={next ?? '/'} />
      {signedIn ? (
        <form action={signOut}>
          <button type="submit" data-testid="sign-out">
            Sign out
          </button>
        </form>
      ) : null}
    </section>
  );
}
