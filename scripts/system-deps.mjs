// Checks for the system programs the tests need (Chromium, the namespace tools, and the interop test
// bed's SIP software) and, on Debian as root, installs the missing ones with apt. Elsewhere it
// prints exactly what to install and exits.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

// Debian's multiarch directory, where Kamailio's modules live (e.g. /usr/lib/x86_64-linux-gnu).
const MULTIARCH = {
  x64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
  arm: 'arm-linux-gnueabihf',
  ia32: 'i386-linux-gnu',
  ppc64: 'powerpc64le-linux-gnu',
  s390x: 's390x-linux-gnu',
  riscv64: 'riscv64-linux-gnu',
}[process.arch];
const KAMAILIO_MODULES = `/usr/lib/${MULTIARCH ?? `${process.arch}-linux-gnu`}/kamailio/modules`;

/** program path → Debian package that provides it */
export const TEST_PROGRAMS = {
  '/usr/bin/chromium': 'chromium',
  '/usr/sbin/ip': 'iproute2',
  '/usr/bin/unshare': 'util-linux',
  '/usr/bin/setpriv': 'util-linux',
  // The interop test bed (test/interop/): real SIP software on loopback.
  '/usr/sbin/kamailio': 'kamailio',
  [`${KAMAILIO_MODULES}/websocket.so`]: 'kamailio-websocket-modules',
  [`${KAMAILIO_MODULES}/tls.so`]: 'kamailio-tls-modules',
  // RFC 5626 flow tokens (the Kamailio pair of the interop bed: Path with the phone's flow).
  [`${KAMAILIO_MODULES}/outbound.so`]: 'kamailio-outbound-modules',
  // SUBSCRIBE/NOTIFY and PUBLISH in the interop bed: busy lamps (dialog), PIDF presence, message
  // waiting (presence, presence_xml, presence_dialoginfo, presence_mwi, pua, pua_dialoginfo, …).
  [`${KAMAILIO_MODULES}/presence.so`]: 'kamailio-presence-modules',
  // rtpengine-daemon, not the `rtpengine` metapackage (that one builds a kernel module).
  '/usr/bin/rtpengine': 'rtpengine-daemon',
  '/usr/bin/rtpengine-ctl': 'rtpengine-utils',
  '/usr/bin/sipp': 'sip-tester',
  '/usr/bin/baresip': 'baresip-core',
  '/usr/bin/tshark': 'tshark',
  '/usr/bin/dumpcap': 'tshark',
  '/usr/bin/openssl': 'openssl',
  // The bed's TURN server (the self-test's relay check), started on loopback by the bed itself.
  '/usr/bin/turnserver': 'coturn',
  // A network where only the TURN relay reaches rtpengine (inside the test namespace only).
  '/usr/sbin/iptables': 'iptables',
};

/**
 * Packages whose install enables and starts a system service the tests must not have: the bed
 * starts its own copy on loopback, by PID. Debian's coturn enables `coturn.service` and, under
 * systemd, starts it at once (all addresses, port 3478, /etc/turnserver.conf: no users, so an
 * open STUN/TURN server); /etc/default/coturn's TURNSERVER_ENABLED only gates the SysV script.
 */
const SERVICES_KEPT_OFF = { coturn: ['coturn.service'] };

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
  const units = packages.flatMap((pkg) => SERVICES_KEPT_OFF[pkg] ?? []);
  // Under systemd: masked until reboot (in /run), so the package's postinst cannot start them.
  const systemd = units.length > 0 && existsSync('/run/systemd/system');
  const systemctl = (...args) => spawnSync('systemctl', args, { stdio: 'inherit' }).status === 0;
  if (systemd) systemctl('mask', '--runtime', ...units);
  let installed;
  try {
    installed = run(['update']) && run(['install', '-y', '--no-install-recommends', ...packages]);
  } finally {
    if (systemd) {
      // No longer masked, then neither at boot nor now (in case one started anyway).
      systemctl('unmask', '--runtime', ...units);
      systemctl('disable', '--now', ...units);
    }
  }
  if (!installed) {
    console.error(`[sip-phone] apt-get could not install ${packages.join(' ')}.`);
    process.exit(1);
  }
  // Without systemd, Debian's SysV script starts coturn only with TURNSERVER_ENABLED=1 (commented
  // out in the package's /etc/default/coturn; a file kept from an earlier install may set it).
  if (packages.includes('coturn') && !systemd && coturnEnabledBySysV())
    console.warn(
      '[sip-phone] /etc/default/coturn sets TURNSERVER_ENABLED=1: the coturn system service may ' +
        'be running (`/etc/init.d/coturn stop` ends it); the tests start their own on loopback.',
    );
}

function coturnEnabledBySysV() {
  try {
    return /^\s*TURNSERVER_ENABLED=1/m.test(readFileSync('/etc/default/coturn', 'utf8'));
  } catch {
    return false;
  }
}
