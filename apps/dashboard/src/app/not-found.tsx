import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="notice" data-testid="not-found">
      <h1>Not found</h1>
      <p>There is no experiment, run or page at this address: it may have been deleted, or the id is mistyped.</p>
      <p>
        <Link href="/">Back to the experiments</Link>
      </p>
    </div>
  );
}
