// One phone across tabs (issue 17, part 3), end to end: `npm start` (sandbox + Vite), Debian's
// Chromium driven by Playwright, two and three dialer pages in ONE browser context (the same
// origin, so the same Web Locks and BroadcastChannels — as tabs of one browser profile). The
// sandbox's HTTP API says how many contacts are registered, what DTMF reached it and when a call
// ended.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_BIN } from '../../scripts/chromium.mjs';
import { startDialer } from './npm-start.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

let dialer;
let browser;
let url;
/** The sandbox's SIP-over-WebSocket URL, its HTTP API and the dialer's account. */
let sandbox;

before(async () => {
  dialer = await startDialer();
  url = dialer.url;
  const config = await (await fetch(`${url}sandbox-config.json`)).json();
  sandbox = {
    server: config.server,
    uri: config.uri,
    api: config.server.replace(/^ws/, 'http').replace(/\/*$/, ''),
  };
  browser = await chromium.launch({ executablePath: CHROMIUM_BIN, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await dialer?.stop();
});

const api = async (path, init) => {
  const response = await fetch(`${sandbox.api}${path}`, init);
  assert.ok(response.ok, `${path}: ${response.status}`);
  return response.json();
};
/** alice's contacts at the sandbox's registrar (bindings of open connections). */
const contacts = async () =>
  (await api('/api/registrations')).filter((r) => r.user === 'alice').map((r) => r.contact);
const instanceOf = (contact) => /\+sip\.instance="?<?urn:uuid:([0-9a-f-]+)/i.exec(contact)?.[1];

/** Waits (bounded) until `check` holds; fails with `what`. */
async function until(check, what, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A dialer tab in `context`, once its phone is registered (held here or mirrored). */
async function openTab(context) {
  const page = await context.newPage({ viewport: { width: 1000, height: 860 } });
  await page.goto(url);
  await page.waitForFunction(
    () => document.querySelector('sip-phone')?.registrationState === 'registered',
    null,
    { timeout: 20_000 },
  );
  return page;
}

/** What a tab's phone is and shows. */
const look = (page) =>
  page.evaluate(() => {
    const el = document.querySelector('sip-phone');
    const part = (name) =>
      el.shadowRoot.querySelector(`[part~="${name}"]`)?.textContent.replace(/\s+/g, ' ').trim();
    return {
      role: el.tabRole,
      hasUa: el.phone !== undefined,
      registration: el.registrationState,
      callState: el.callState,
      lines: el.lines.length,
      peerConnection: el.currentCall?.peerConnection?.connectionState ?? null,
      registrationLine: part('registration'),
      notice: part('notice'),
      banner: part('banner'),
    };
  });

async function leaderOf(pages) {
  const roles = await Promise.all(pages.map(async (page) => (await look(page)).role));
  const leaders = pages.filter((_page, i) => roles[i] === 'leader');
  assert.equal(leaders.length, 1, `one leader among ${roles.join(', ')}`);
  assert.ok(
    roles.every((role) => role === 'leader' || role === 'follower'),
    roles.join(', '),
  );
  return leaders[0];
}

const waitFor = (page, predicate, arg, timeout = 20_000) =>
  page.waitForFunction(predicate, arg, { timeout });
const waitForCallState = (page, state) =>
  waitFor(page, (s) => document.querySelector('sip-phone').callState === s, state);

async function ringAlice() {
  const { id } = await api('/api/calls/outbound', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ to: 'alice', from: 'carol', displayName: 'Carol', media: 'tone' }),
  });
  return id;
}

async function axeViolations(page) {
  await page.evaluate(await readFile(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () =>
    (await window.axe.run(document)).violations.map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
  );
}

test('two tabs: one REGISTER contact, one JsSIP UA; an incoming call rings in the leader and shows in both; the follower answers, sends DTMF and hangs up through the leader', async () => {
  const context = await browser.newContext();
  try {
    const first = await openTab(context);
    const second = await openTab(context);
    const leader = await leaderOf([first, second]);
    const follower = leader === first ? second : first;
    assert.equal(leader, first, 'the first tab leads');

    // One contact at the registrar, and a user agent only in the leader's tab.
    assert.equal((await contacts()).length, 1);
    const followerLook = await look(follower);
    assert.equal(followerLook.hasUa, false, 'no JsSIP UA in the follower');
    assert.equal(followerLook.registration, 'registered');
    assert.match(followerLook.registrationLine, /^Registered as alice@\S+ \(in another tab\)/);
    assert.equal((await look(leader)).hasUa, true);

    // An incoming call: the sandbox sends one INVITE (to the one contact); both tabs ring.
    const id = await ringAlice();
    await waitForCallState(leader, 'incoming');
    await waitForCallState(follower, 'incoming');
    assert.equal((await look(leader)).lines, 1, 'the leader holds the call');
    assert.equal((await look(follower)).lines, 0, 'the follower holds no call');
    assert.match((await look(follower)).banner, /Incoming call From Carol \(carol\)/);
    assert.deepEqual(await axeViolations(follower), [], 'follower ringing: axe-clean');

    // Answered from the follower's own Answer button: the leader answers; audio is in the leader.
    await follower.locator('sip-phone').getByRole('button', { name: 'Answer' }).click();
    await waitForCallState(leader, 'connected');
    await waitForCallState(follower, 'connected');
    await waitFor(
      leader,
      () =>
        document.querySelector('sip-phone').currentCall?.peerConnection?.connectionState ===
        'connected',
    );
    const inFollower = await look(follower);
    assert.equal(inFollower.peerConnection, null, 'no peer connection in the follower');
    assert.equal(
      inFollower.notice,
      'The call is in another tab of this browser: its sound plays there.',
    );
    assert.equal((await look(leader)).notice, '', 'the leader says nothing of the kind');
    assert.deepEqual(await axeViolations(follower), [], 'follower connected: axe-clean');

    // DTMF from the follower reaches the wire (the sandbox decodes it).
    await follower.evaluate(() => document.querySelector('sip-phone').sendDtmf('12#'));
    const record = await until(async () => {
      const r = await api(`/api/calls/outbound/${id}`);
      return r.dtmf.length >= 3 ? r : undefined;
    }, 'three DTMF digits at the sandbox');
    assert.deepEqual(
      record.dtmf.map((d) => d.digit),
      ['1', '2', '#'],
    );

    // Mute from the follower: the leader's call is muted, and both show it.
    await follower.locator('sip-phone').getByRole('button', { name: 'Mute' }).click();
    await waitFor(leader, () => document.querySelector('sip-phone').callSnapshot?.muted === true);
    await waitFor(follower, () => document.querySelector('sip-phone').callSnapshot?.muted === true);

    // Hold and resume from the follower: the leader's re-INVITEs; both tabs follow.
    await follower.locator('sip-phone').getByRole('button', { name: 'Hold' }).click();
    await waitForCallState(leader, 'held');
    await waitForCallState(follower, 'held');
    // The same toggle, pressed now, takes the call off hold.
    await follower
      .locator('sip-phone')
      .getByRole('button', { name: 'Hold', pressed: true })
      .click();
    await waitForCallState(leader, 'connected');
    await waitForCallState(follower, 'connected');
    assert.deepEqual(
      (await api(`/api/calls/outbound/${id}`)).reinvites.map((r) => r.direction),
      ['sendonly', 'sendrecv'],
    );

    // Hang up from the follower: a BYE on the wire, the call over in both tabs.
    await follower.evaluate(() => document.querySelector('sip-phone').hangup());
    await waitForCallState(leader, 'ended');
    await waitForCallState(follower, 'ended');
    const ended = await until(async () => {
      const r = await api(`/api/calls/outbound/${id}`);
      return r.receivedMethods.includes('BYE') ? r : undefined;
    }, 'the BYE at the sandbox');
    assert.ok(ended.receivedMethods.includes('BYE'));
  } finally {
    await context.close();
  }
});

test('closing the leader: a follower takes over and registers itself, with the same +sip.instance (one contact)', async () => {
  const context = await browser.newContext();
  try {
    const first = await openTab(context);
    const second = await openTab(context);
    assert.equal(await leaderOf([first, second]), first);
    const [before] = await contacts();
    assert.ok(before);
    // The follower's own registration changes, recorded in the page as they happen.
    await second.evaluate(() => {
      const el = document.querySelector('sip-phone');
      window.changes = [];
      el.addEventListener('sip-registration-change', ({ detail }) =>
        window.changes.push({ state: detail.state, role: el.tabRole, at: performance.now() }),
      );
    });
    const closedAt = await second.evaluate(() => performance.now());
    await first.close();
    const took = await second.waitForFunction(
      () => {
        const el = document.querySelector('sip-phone');
        const own = el.phone?.registration.state === 'registered';
        return own && el.registrationState === 'registered' && el.tabRole === 'leader'
          ? performance.now()
          : false;
      },
      null,
      { timeout: 10_000, polling: 10 },
    );
    const measured = (await took.jsonValue()) - closedAt;
    console.log(`# leader closed → follower registered itself in ${Math.round(measured)} ms`);
    const changes = await second.evaluate(() => window.changes);
    assert.deepEqual(
      changes.map((c) => c.state),
      ['unregistered', 'registering', 'registered'],
      'the follower went through a registration of its own',
    );
    assert.ok(changes.slice(1).every((c) => c.role === 'leader'));
    const after = await until(async () => {
      const list = await contacts();
      return list.length === 1 && list[0] !== before ? list : undefined;
    }, 'the new contact alone at the registrar');
    assert.equal(instanceOf(after[0]), instanceOf(before), 'the same +sip.instance');
    assert.ok(instanceOf(before), 'the contact carries +sip.instance');
    // The bound: within 2 s.
    assert.ok(measured < 2000, `took over in ${Math.round(measured)} ms`);
  } finally {
    await context.close();
  }
});

test('closing the leader mid-call: its BYE goes out, the follower says the call ended in the other tab and takes over', async () => {
  const context = await browser.newContext();
  try {
    const first = await openTab(context);
    const second = await openTab(context);
    assert.equal(await leaderOf([first, second]), first);
    await second.evaluate(() => document.querySelector('sip-phone').call('echo'));
    await waitForCallState(first, 'connected');
    await waitForCallState(second, 'connected');
    const [echo] = (await api('/api/calls?number=echo')).slice(-1);
    await first.close();
    await waitForCallState(second, 'ended');
    const shown = await look(second);
    assert.match(shown.banner, /Call ended in another tab/);
    await until(async () => {
      const record = (await api('/api/calls?number=echo')).find((r) => r.callId === echo.callId);
      return record?.receivedMethods.includes('BYE');
    }, 'the BYE of the closing tab at the sandbox');
    await second.waitForFunction(
      () => document.querySelector('sip-phone').phone?.registration.state === 'registered',
      null,
      { timeout: 10_000 },
    );
    assert.equal((await contacts()).length, 1);
  } finally {
    await context.close();
  }
});

test('a leader that freezes hands over and follows when resumed; one that navigates away (pagehide) hands over too', async () => {
  const context = await browser.newContext();
  const phoneOf = (page) =>
    page.evaluate(() => {
      const el = document.querySelector('sip-phone');
      return { role: el.tabRole, own: el.phone?.registration.state, shown: el.registrationState };
    });
  try {
    const first = await openTab(context);
    const second = await openTab(context);
    assert.equal(await leaderOf([first, second]), first);
    // Headless Chromium does not freeze a visible page (CDP Page.setWebLifecycleState has no
    // effect here), so the page gets the Page Lifecycle events as Chromium sends them to a page
    // it freezes and resumes: `freeze`, then `resume` on the document.
    await first.evaluate(() => document.dispatchEvent(new Event('freeze')));
    await until(
      async () => (await phoneOf(second)).own === 'registered',
      'the second tab registered itself',
    );
    assert.equal((await phoneOf(second)).role, 'leader');
    assert.equal((await phoneOf(first)).own, undefined, 'the frozen tab holds no phone');
    await until(async () => (await contacts()).length === 1, 'one contact');
    await first.evaluate(() => document.dispatchEvent(new Event('resume')));
    await until(async () => {
      const look = await phoneOf(first);
      return look.role === 'follower' && look.shown === 'registered' && look.own === undefined;
    }, 'the resumed tab following');
    assert.equal((await contacts()).length, 1);

    // The leader now navigates away (a real pagehide): the first tab, following, takes over.
    await second.goto(new URL('manifest.webmanifest', url).href);
    await until(async () => (await phoneOf(first)).own === 'registered', 'the first tab again');
    assert.equal((await phoneOf(first)).role, 'leader');
    await until(async () => (await contacts()).length === 1, 'one contact');
  } finally {
    await context.close();
  }
});

test('three tabs: only one leader at a time, through two handovers; one contact throughout', async () => {
  const context = await browser.newContext();
  try {
    let pages = [await openTab(context), await openTab(context), await openTab(context)];
    for (let round = 0; round < 2; round++) {
      const leader = await leaderOf(pages);
      assert.equal((await contacts()).length, 1);
      const states = await Promise.all(pages.map(look));
      assert.equal(states.filter((s) => s.hasUa).length, 1, 'one JsSIP UA among the tabs');
      assert.ok(states.every((s) => s.registration === 'registered'));
      await leader.close();
      pages = pages.filter((page) => page !== leader);
      await until(async () => {
        const roles = await Promise.all(pages.map(async (page) => (await look(page)).role));
        const own = await Promise.all(
          pages.map((page) =>
            page.evaluate(
              () => document.querySelector('sip-phone').phone?.registration.state === 'registered',
            ),
          ),
        );
        return roles.filter((r) => r === 'leader').length === 1 && own.some(Boolean);
      }, 'a new leader, registered');
      await until(async () => (await contacts()).length === 1, 'one contact');
      await until(
        async () =>
          (await Promise.all(pages.map(look))).every((s) => s.registration === 'registered'),
        'every tab registered',
      );
    }
    assert.equal(pages.length, 1);
    assert.equal((await look(pages[0])).role, 'leader');
  } finally {
    await context.close();
  }
});

/** The channel's name, as the tabs compute it (src/tab-channel.ts: tabLockName). */
const channelName = (servers, uri) =>
  `sip-phone:${createHash('sha256')
    .update(JSON.stringify(['sip-phone/tabs/1', servers, uri.toLowerCase()]))
    .digest('hex')}`;

test('hostile messages on the channel are ignored: no call, no state change, nothing shown', async () => {
  const context = await browser.newContext();
  try {
    const leader = await openTab(context);
    const follower = await openTab(context);
    assert.equal(await leaderOf([leader, follower]), leader);
    // A third page of the origin, without a phone: it posts what a hostile script could.
    const hostile = await context.newPage();
    await hostile.goto(new URL('manifest.webmanifest', url).href);
    const callsBefore = (await api('/api/calls')).length;
    const name = channelName([sandbox.server], sandbox.uri);
    const sent = await hostile.evaluate((channel) => {
      const bc = new BroadcastChannel(channel);
      const from = 'e0f1c2d3-0000-4000-8000-00000000beef';
      const state = (registration, calls = []) => ({ registration, calls });
      const call = {
        id: 'evil-call',
        direction: 'incoming',
        state: 'incoming',
        remote: { displayName: 'Evil', user: 'evil', uri: 'sip:evil@example.com' },
        muted: false,
        remoteHold: false,
        startedAt: Date.now(),
      };
      const messages = [
        'junk',
        null,
        42,
        [],
        { v: 2, from, kind: 'command', id: 'x1', command: { op: 'call', target: 'echo' } },
        { from, kind: 'command', id: 'x2', command: { op: 'call', target: 'echo' } },
        { v: 1, kind: 'command', id: 'x3', command: { op: 'call', target: 'echo' } },
        {
          v: 1,
          from: 'not a token!',
          kind: 'command',
          id: 'x4',
          command: { op: 'call', target: 'echo' },
        },
        {
          v: 1,
          from,
          kind: 'command',
          id: 'x5',
          command: { op: 'call', target: 'echo', extra: 1 },
        },
        { v: 1, from, kind: 'command', id: 'x6', command: { op: 'call', target: 12 } },
        { v: 1, from, kind: 'command', id: 'x7', command: { op: 'exec', target: 'echo' } },
        {
          v: 1,
          from,
          kind: 'command',
          id: 'x8',
          command: { op: 'call', target: 'echo' },
          password: 'x',
        },
        {
          v: 1,
          from,
          kind: 'command',
          id: 'x9',
          command: { op: 'dtmf', call: 'a', digits: '<script>' },
        },
        { v: 1, from, kind: 'state', state: state({ state: 'failed', status: 403, extra: true }) },
        { v: 1, from, kind: 'state', state: state({ state: 'hacked' }) },
        {
          v: 1,
          from,
          kind: 'state',
          state: state({ state: 'failed' }, [{ ...call, state: 'pwned' }]),
        },
        {
          v: 1,
          from,
          kind: 'state',
          state: state({ state: 'failed' }, [{ ...call, html: '<img>' }]),
        },
        { v: 1, from, kind: 'state', state: state({ state: 'failed' }, new Array(9).fill(call)) },
        { v: 1, from, kind: 'leaving', extra: 1 },
        { v: 1, from, kind: 'hello', password: 'secret' },
        { v: 1, from, kind: 'result', to: from, id: 'x', ok: 'yes' },
        { v: 1, from, kind: 'unknown' },
      ];
      for (const message of messages) bc.postMessage(message);
      bc.close();
      return messages.length;
    }, name);
    assert.ok(sent > 20);
    // A follower asks for the state: the leader's answer arrives after every hostile message
    // (one channel, in order), so nothing of them can be pending.
    await follower.evaluate(
      (channel) =>
        new Promise((resolve) => {
          const bc = new BroadcastChannel(channel);
          bc.onmessage = ({ data }) => {
            if (data?.kind === 'state') {
              bc.close();
              resolve();
            }
          };
          bc.postMessage({ v: 1, from: crypto.randomUUID(), kind: 'hello' });
        }),
      name,
    );
    for (const page of [leader, follower]) {
      const state = await look(page);
      assert.equal(state.registration, 'registered');
      assert.equal(state.callState, 'idle');
      assert.doesNotMatch(state.banner, /Evil/);
    }
    assert.equal((await api('/api/calls')).length, callsBefore, 'no call was placed');
  } finally {
    await context.close();
  }
});
