import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

import { MODELS_VERSION } from '@aekit/models';

/** The machine a figure was measured on: what a reader needs to compare wall times. */
export interface MachineInfo {
  cores: number;
  cpu: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  const model = (list[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return { cores: list.length, cpu: model, node: process.version };
}

/** "2 cores, AMD EPYC, Node v20.20.2" */
export function describeMachine(m: MachineInfo): string {
  return `${m.cores} core${m.cores === 1 ? '' : 's'}, ${m.cpu}, Node ${m.node}`;
}

/**
 * The aekit packages' version plus the commit they were built from, so a row
 * can be traced to code: "0.0.0 (git 1a2b3c4+dirty)". Git is optional: outside
 * a checkout only the version is given.
 */
export function aekitVersion(cwd: string): string {
  let commit = '';
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    commit = ` (git ${hash}${dirty ? '+dirty' : ''})`;
  } catch {
    // Not a git checkout (or no git): the version alone still says which release ran.
  }
  return `${MODELS_VERSION}${commit}`;
}
