'use client';

import { useActionState } from 'react';
import { signIn, type SignInState } from './actions';

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signIn, {});
  return (
    <form action={action} className="inline-form" data-testid="sign-in-form">
      <input type="hidden" name="next" value={next} />
      <label htmlFor="token">API token</label>
      <input id="token" name="token" type="password" autoComplete="off" placeholder="glt_…" required size={48} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? 'Checking…' : 'Sign in'}
      </button>
      {state.error ? (
        <p className="form-error" role="alert" data-testid="sign-in-error">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
