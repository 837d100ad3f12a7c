import Link from 'next/link';

export function NavBar() {
  return (
    <header className="navbar">
      <nav aria-label="Main">
        <Link href="/" className="brand">
          genlab
        </Link>
        <Link href="/">Experiments</Link>
      </nav>
    </header>
  );
}
