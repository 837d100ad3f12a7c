import { NextResponse, type NextRequest } from 'next/server';

const SESSION_COOKIE = 'genlab_token';
const OPEN_PATHS = ['/sign-in', '/_next', '/icon.svg', '/favicon.ico'];

/**
 * With GENLAB_AUTH=tokens every page needs a signed-in user: without the session cookie,
 * go to the sign-in page and come back afterwards. (The services check the token itself on
 * every call; this only saves a round of "unauthenticated" pages.)
 */
export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (process.env.GENLAB_AUTH !== 'tokens' || OPEN_PATHS.some((p) => pathname.startsWith(p)) || request.cookies.has(SESSION_COOKIE)) {
    return NextResponse.next();
  }
  const target = new URL('/sign-in', request.url);
  target.searchParams.set('next', pathname + search);
  return NextResponse.redirect(target);
}
