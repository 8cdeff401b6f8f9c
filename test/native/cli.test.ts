import { describe, expect, it } from 'vitest';
import { runLrCompare } from '../cli/helpers.js';

describe('lr-compare native status and install', () => {
  it('status agrees with doctor on whether the native backend loads, and says where its pieces are', async () => {
    const [status, doctor] = await Promise.all([runLrCompare(['native', 'status']), runLrCompare(['doctor'])]);
    const loads = /│ tensorflow +│.*│ +yes │/.test(doctor.stdout);
    expect(status.status, status.stderr).toBe(loads ? 0 : 1);
    expect(status.stdout).toMatch(loads ? /^native backend: loads \(backend tensorflow\)$/m : /^native backend: does not load: /m);
    expect(status.stdout).toMatch(/^last provisioning: .*node_modules\/\.lr-compare-native-status\)$/m);
    expect(status.stdout).toMatch(/^wheel cache: .* in .*wheels$/m);
    expect(status.stdout).toMatch(/^to remove: rm -rf /m);
  });

  it('install refuses an unknown option in one line with exit 2', async () => {
    const result = await runLrCompare(['native', 'install', '--rebuild']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/unknown option '--rebuild'/)]);
  });
});
