import { describe, expect, it } from 'vitest';
import * as core from './index.js';

/** Pins the package's public surface; the snapshot changes only when an export does. */
describe('@rampart/core exports', () => {
  it('exports exactly the snapshotted names', () => {
    expect(Object.keys(core).sort()).toMatchSnapshot();
  });
});
