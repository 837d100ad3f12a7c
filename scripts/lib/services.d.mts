import type { ChildProcess } from 'node:child_process';

type Ports = Record<'datasets' | 'training' | 'evaluation' | 'generation' | 'dashboard', number>;
type Launched = ChildProcess & { recentOutput(): string };

export const ROOT: string;
export const SERVICES: readonly ('datasets' | 'training' | 'evaluation' | 'generation')[];
export function serviceCommand(name: string): [string, string[]];
export function dashboardCommand(port: number, host?: string): [string, string[]];
export function freePort(): Promise<number>;
export function launch(name: string, command: [string, string[]], env: NodeJS.ProcessEnv, options?: { quiet?: boolean; log?: NodeJS.WritableStream }): Launched;
export function waitForHealth(name: string, address: string, timeoutMs?: number, child?: ChildProcess): Promise<void>;
export function stop(child: ChildProcess | undefined, graceMs?: number): Promise<void>;
export function genlabEnv(
  base: NodeJS.ProcessEnv,
  options: { dataDir: string; ports: Ports; databaseUrl?: string; importRoot?: string },
): NodeJS.ProcessEnv;
