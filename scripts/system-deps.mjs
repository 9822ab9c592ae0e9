// Checks for the system programs the tests need and, on Debian as root, installs the missing ones
// with apt. Elsewhere it prints exactly what to install and exits.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** program path → Debian package that provides it */
export const TEST_PROGRAMS = {
  '/usr/bin/chromium': 'chromium',
  '/usr/sbin/ip': 'iproute2',
  '/usr/bin/unshare': 'util-linux',
};

const isDebian = () => existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

export function ensureSystemPackages(programs = TEST_PROGRAMS) {
  const missing = Object.entries(programs).filter(([path]) => !existsSync(path));
  if (!missing.length) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  if (!isDebian() || !isRoot()) {
    console.error(
      `[sip-phone] Missing system programs: ${missing.map(([path]) => path).join(', ')}.\n` +
        `Install them, e.g. on Debian/Ubuntu:\n  sudo apt-get install --no-install-recommends ${packages.join(' ')}\n` +
        'Then run the command again. (Set CHROMIUM_BIN to use a Chromium elsewhere.)',
    );
    process.exit(1);
  }
  console.log(`[sip-phone] Installing ${packages.join(' ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  if (!run(['update']) || !run(['install', '-y', '--no-install-recommends', ...packages])) {
    console.error(`[sip-phone] apt-get could not install ${packages.join(' ')}.`);
    process.exit(1);
  }
}
