import { describe, expect, it } from 'vitest';
import { diffManifests } from './diff-manifests.js';

const r = (name: string, digest: string) => ({ name, algorithm: 'sha256' as const, digest: digest.repeat(64) });

describe('diffManifests', () => {
  it('pairs removed and added files with the same content as renames, in a stable order', () => {
    const signed = [r('a', '1'), r('b', '1'), r('c', '2')];
    const local = [r('x', '1'), r('y', '1'), r('c', '3')];
    expect(diffManifests({ method: 'files', signed, local })).toEqual([
      { kind: 'modified', path: 'c' },
      { kind: 'renamed', path: 'x', from: 'a' },
      { kind: 'renamed', path: 'y', from: 'b' },
    ]);
  });

  it('groups shards into their file and compares whole-file content for renames', () => {
    const signed = [r('f:0:4096', '1'), r('f:4096:5000', '2'), r('g:0:10', '3')];
    const local = [r('h:0:4096', '1'), r('h:4096:5000', '2'), r('g:0:10', '4')];
    expect(diffManifests({ method: 'shards', signed, local })).toEqual([
      { kind: 'modified', path: 'g' },
      { kind: 'renamed', path: 'h', from: 'f' },
    ]);
  });

  it('reports an unsafe entry once, not also as removed', () => {
    const signed = [r('a', '1'), r('b', '2')];
    const local = [r('b', '2')];
    expect(diffManifests({ method: 'files', signed, local, unsafe: [{ path: 'a', reason: 'is a FIFO' }] })).toEqual([{ kind: 'unsafe', path: 'a', reason: 'is a FIFO' }]);
  });
});
