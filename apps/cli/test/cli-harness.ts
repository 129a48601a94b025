import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

/** The built CLI: e2e tests run what users run (nx builds it first: test dependsOn build). */
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Called with each stdout chunk as it arrives (e.g. to send SIGINT once training has started). */
  onStdout?: (chunk: string, child: ReturnType<typeof spawn>) => void;
  timeoutMs?: number;
}

export function aekit(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aekit ${args.join(' ')}: no exit after ${options.timeoutMs ?? 120_000} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(chunk, child);
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface DecodedPng {
  width: number;
  height: number;
  /** Distinct RGB colours: a blank or flat picture has one or two. */
  colours: number;
  /** Standard deviation of the grey level over all pixels. */
  spread: number;
}

export async function readPng(path: string): Promise<DecodedPng> {
  const png = PNG.sync.read(await readFile(path));
  const colours = new Set<number>();
  let sum = 0;
  let sumSq = 0;
  const n = png.width * png.height;
  for (let i = 0; i < png.data.length; i += 4) {
    colours.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
    const grey = (png.data[i] + png.data[i + 1] + png.data[i + 2]) / 3;
    sum += grey;
    sumSq += grey * grey;
  }
  const mean = sum / n;
  return { width: png.width, height: png.height, colours: colours.size, spread: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}
