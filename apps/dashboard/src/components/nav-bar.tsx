import Link from 'next/link';

export function NavBar() {
  return (
    <header className="navbar">
      <nav aria-label="Main">
        <Link href="/" className="brand">
          genlab
        </Link>
        <Link href="/">Experiments</Link>
        <Link href="/runs">Runs</Link>
        <Link href="/datasets">Datasets</Link>
        <Link href="/runs/new" className="nav-action">
          New run
        </Link>
      </nav>
    </header>
  );
}
