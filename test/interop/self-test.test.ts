import { expect } from '@open-wc/testing';
import type { SelfTestCheck, SelfTestReport } from '../../src/index.js';
import { bed, bedPhone, command, printLogsIfFailed, timing } from './bed.js';

const checkOf = (report: SelfTestReport, id: SelfTestCheck['id']): SelfTestCheck =>
  report.checks.find((c) => c.id === id)!;

/** What coturn logged while `body` ran (its log only grows during a run). */
async function coturnLogDuring<T>(body: () => Promise<T>): Promise<{ result: T; log: string }> {
  const before = (await command<string>('coturn-log')).length;
  const result = await body();
  return { result, log: (await command<string>('coturn-log')).slice(before) };
}

describe('interop: the self-test’s STUN/TURN check against coturn', function () {
  this.timeout(30_000);
  afterEach(printLogsIfFailed);

  before(async function () {
    this.timeout(60_000);
    await bed();
  });

  it('the right credentials: a relay address from coturn over UDP and over TCP → pass', async () => {
    const { turn, ports } = await bed();
    const tcp = `${turn.url}?transport=tcp`;
    const phone = await bedPhone('1003', {
      config: {
        iceServers: [
          { urls: turn.url, username: turn.username, credential: turn.credential },
          { urls: tcp, username: turn.username, credential: turn.credential },
        ],
      },
    });
    const started = performance.now();
    const { result: report, log } = await coturnLogDuring(() => phone.el.selfTest());
    const ice = checkOf(report, 'ice');
    await timing('self-test, TURN over UDP and TCP (coturn)', started, `ice ${ice.durationMs} ms`);

    expect(ice.status, JSON.stringify(ice, null, 1)).to.equal('pass');
    expect(ice.detail).to.equal(`${turn.url} gave a relay address. ${tcp} gave a relay address.`);
    expect(ice.fix).to.equal(undefined);
    for (const url of [turn.url, tcp]) {
      const found = ice.data![url] as { candidates: string[]; errors: unknown[] };
      expect(found.candidates, url).to.include('relay');
      expect(found.errors, url).to.deep.equal([]);
    }
    expect(report.ok, JSON.stringify(report.checks, null, 1)).to.equal(true);
    // The rest of the report against Kamailio over WSS: TLS reported, REGISTER accepted.
    expect(checkOf(report, 'websocket').detail).to.match(
      /^Connected to wss:\/\/.*\. The connection is encrypted \(TLS\)\.$/,
    );
    expect(checkOf(report, 'register').status).to.equal('pass');

    // The relays are coturn's: allocations for this user and realm, on its loopback relay range.
    const allocated = log.match(
      new RegExp(
        `realm <${turn.realm}> user <${turn.username}>: incoming packet ALLOCATE processed, success`,
        'g',
      ),
    );
    expect(allocated?.length ?? 0, log).to.be.at.least(2);
    const relays = [...log.matchAll(/Local relay addr: (127\.0\.0\.1):(\d+)/g)];
    expect(relays.length, log).to.be.at.least(2);
    for (const [, , port] of relays)
      expect(Number(port)).to.be.within(ports.TURN_RELAY_MIN!, ports.TURN_RELAY_MAX!);
  });

  it('a wrong credential: coturn answers 401 → fail, naming the server and the 401, fix: the credential', async () => {
    const { turn } = await bed();
    const phone = await bedPhone('1003', {
      config: {
        iceServers: [{ urls: turn.url, username: turn.username, credential: 'not-the-secret' }],
      },
    });
    const started = performance.now();
    const { result: report, log } = await coturnLogDuring(() => phone.el.selfTest());
    const ice = checkOf(report, 'ice');
    await timing(
      'self-test, TURN with a wrong credential (coturn 401)',
      started,
      `ice ${ice.durationMs} ms`,
    );

    expect(ice.status, JSON.stringify(ice, null, 1)).to.equal('fail');
    const found = ice.data![turn.url] as {
      candidates: string[];
      errors: Array<{ code: number; text: string }>;
    };
    expect(found.candidates).not.to.include('relay');
    // Chromium reports coturn's answer as an icecandidateerror: 401 Unauthorized.
    expect(found.errors.map((e) => e.code)).to.include(401);
    expect(ice.detail).to.match(
      new RegExp(`^${turn.url.replace(/\./g, '\\.')} gave no relay address \\(401 Unauthorized`),
    );
    expect(ice.fix).to.match(/username and credential/);
    // Only this check failed: the server, the registration and the microphone are fine.
    expect(report.ok).to.equal(false);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).to.deep.equal([
      'ice',
    ]);

    // coturn refused this user's credentials and allocated nothing.
    expect(log).to.contain(`user ${turn.username} credentials are incorrect`);
    expect(log).not.to.match(/ALLOCATE processed, success/);
  });
});
