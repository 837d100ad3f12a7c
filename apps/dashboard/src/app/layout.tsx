import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { NavBar } from '@/components/nav-bar';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'genlab', template: '%s · genlab' },
  description: 'Experiments, runs, loss curves, samples and evaluations of deep generative models',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <NavBar />
        <main>{children}</main>
      </body>
    </html>
  );
}
