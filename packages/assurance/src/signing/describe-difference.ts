import type { TreeDifference } from './diff-manifests.js';
import { displayPath } from './display-path.js';

/**
 * One line per difference, with names escaped (a crafted file name cannot fake report lines):
 * shared by `rampart verify` and the gateway's integrity pinning so both say the same thing.
 *
 * @example
 * describeDifference({ kind: 'renamed', from: 'a.bin', path: 'b.bin' }); // 'renamed  a.bin -> b.bin'
 */
export function describeDifference(difference: TreeDifference): string {
  const kind = difference.kind.padEnd(8);
  switch (difference.kind) {
    case 'renamed':
      return `${kind} ${displayPath(difference.from)} -> ${displayPath(difference.path)}`;
    case 'unsafe':
      return `${kind} ${displayPath(difference.path)}: ${displayPath(difference.reason)}`;
    case 'modified':
    case 'added':
    case 'removed':
      return `${kind} ${displayPath(difference.path)}`;
  }
}
