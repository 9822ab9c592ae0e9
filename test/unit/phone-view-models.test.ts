import { expect } from '@open-wc/testing';
import type { CallSnapshot, RegistrationSnapshot } from '../../src/index.js';
import { callSnapshot } from '../helpers/call-snapshot.js';
import {
  connectionLost,
  registrationLine,
  retryCountdown,
} from '../../components/shared/registration-line.js';
import { noticeText } from '../../components/shared/notice.js';
import { linesModel } from '../../components/shared/lines.js';
import { PHONE_CONFIG_KEYS, phoneConfigOf } from '../../components/shared/phone-config.js';
import { formatDuration } from '../../components/shared/phone-controls.js';
import '../../src/i18n/index.js';

const call = callSnapshot;

describe('registration line (view model)', () => {
  const uri = 'sip:alice@example.com';

  it('names the account while registering and once registered', () => {
    const registering = registrationLine({ state: 'registering' }, { uri });
    expect(registering.text).to.include('alice@example.com');
    expect(registering.role).to.equal('status');
    const registered = registrationLine({ state: 'registered', status: 200 }, { uri });
    expect(registered).to.include({ state: 'registered', status: 200, role: 'status' });
    expect(registered.text).to.include('alice@example.com');
    expect(registered.retry).to.equal(undefined);
  });

  it('tells "not configured" from "not registered"', () => {
    const unconfigured = registrationLine({ state: 'unregistered' }).text;
    const unregistered = registrationLine({ state: 'unregistered' }, { uri }).text;
    expect(unconfigured).to.not.equal(unregistered);
    expect(unconfigured).to.not.equal('');
  });

  it('says "Connecting…" while a configured phone waits for its code, in the page\'s language', () => {
    const line = registrationLine({ state: 'unregistered' }, { connecting: true });
    expect(line.text).to.equal('Connecting…');
    expect(line.role).to.equal('status');
    expect(line.state).to.equal('unregistered');
    expect(
      registrationLine({ state: 'unregistered' }, { connecting: true, lang: 'de' }).text,
    ).to.not.equal('Connecting…');
    // A registration under way says so, whatever the element was told before.
    expect(registrationLine({ state: 'registering' }, { uri, connecting: true }).text).to.include(
      'alice',
    );
  });

  it('explains a failure as an alert, and a refused configuration in its own words', () => {
    const failed = registrationLine({ state: 'failed', status: 403 }, { uri });
    expect(failed.role).to.equal('alert');
    expect(failed.text).to.not.include('..');
    const refused = registrationLine(
      { state: 'failed', reason: 'bad' },
      { configError: new Error('The server must be a wss:// URL') },
    );
    expect(refused.text).to.include('The server must be a wss:// URL');
  });

  it('counts down to the next attempt in seconds, then minutes, and gives the clock time', () => {
    const now = Date.UTC(2026, 0, 1, 10, 0, 0);
    expect(retryCountdown(now + 2_000, now)).to.equal('2 s');
    expect(retryCountdown(now + 1_200, now)).to.equal('2 s');
    expect(retryCountdown(now - 5_000, now)).to.equal('0 s');
    expect(retryCountdown(now + 89_000, now)).to.equal('89 s');
    expect(retryCountdown(now + 180_000, now)).to.equal('3 min');
    const lost: RegistrationSnapshot = {
      state: 'registering',
      previous: 'registered',
      retryAt: now + 2_000,
    };
    const line = registrationLine(lost, { uri, now });
    expect(line.text, 'the countdown says it').to.equal('');
    expect(line.retry?.countdown).to.include('2 s');
    expect(line.retry?.at).to.include(new Date(now + 2_000).toLocaleTimeString('en'));
    expect(line.retry?.label).to.not.equal('');
    const waiting = registrationLine(
      { state: 'failed', status: 503, retryAt: now + 2_000 },
      {
        uri,
        now,
      },
    );
    expect(waiting.retry?.countdown).to.not.equal(line.retry?.countdown);
  });

  it('says reconnecting without a countdown after a lost registration', () => {
    const line = registrationLine({ state: 'registering', previous: 'registered' }, { uri });
    expect(line.text).to.not.equal('');
    expect(line.retry).to.equal(undefined);
  });

  it('knows when the connection was lost', () => {
    expect(connectionLost({ state: 'registering', previous: 'registered' })).to.equal(true);
    expect(connectionLost({ state: 'registering' })).to.equal(false);
    expect(connectionLost({ state: 'failed', cause: 'connection-error' })).to.equal(true);
    expect(connectionLost({ state: 'failed', status: 403 })).to.equal(false);
    expect(connectionLost({ state: 'registered' })).to.equal(false);
  });
});

describe('notice (view model)', () => {
  it('is empty when there is nothing to say', () => {
    expect(noticeText(undefined)).to.equal('');
    expect(noticeText(call())).to.equal('');
  });

  it('puts the devices first, then a transfer notice for the shown call', () => {
    const transferNotice = { call: 'c1', text: 'Transfer declined.' };
    expect(noticeText(call(), { deviceNotice: 'Mic gone', transferNotice })).to.equal('Mic gone');
    expect(noticeText(call(), { transferNotice })).to.equal('Transfer declined.');
    expect(noticeText(call({ id: 'c2' }), { transferNotice })).to.equal('');
  });

  it('follows a transfer in progress, failed or done, naming the target without its scheme', () => {
    const target = 'sip:carol@example.com';
    const trying = noticeText(
      call({
        transfer: { kind: 'blind', target, state: 'progress', status: 100 },
      } as Partial<CallSnapshot>),
    );
    expect(trying).to.include('carol@example.com').and.include('(100)').and.not.include('sip:');
    const failed = noticeText(
      call({
        transfer: { kind: 'blind', target, state: 'failed', status: 486 },
      } as Partial<CallSnapshot>),
    );
    expect(failed).to.include('carol@example.com').and.include('(486)');
    const done = noticeText(
      call({ transfer: { kind: 'blind', target, state: 'succeeded' } } as Partial<CallSnapshot>),
    );
    expect(done).to.include('carol@example.com');
    expect(new Set([trying, failed, done]).size).to.equal(3);
  });

  it('says why hold or resume failed, and that the far end put us on hold', () => {
    const hold = noticeText(
      call({ holdError: { action: 'hold', status: 488 } } as Partial<CallSnapshot>),
    );
    const resume = noticeText(call({ holdError: { action: 'unhold' } } as Partial<CallSnapshot>));
    expect(hold).to.include('(488)');
    expect(resume).to.not.equal(hold);
    expect(resume).to.not.include('(');
    expect(noticeText(call({ remoteHold: true } as Partial<CallSnapshot>))).to.not.equal('');
  });
});

describe('lines list (view model)', () => {
  it('is absent with fewer than two lines', () => {
    expect(linesModel([], undefined)).to.equal(undefined);
    expect(linesModel([call()], 'c1')).to.equal(undefined);
  });

  it('lists each call with its state and what can be done with it', () => {
    const model = linesModel(
      [
        call({ id: 'a', state: 'held' }),
        call({ id: 'b', state: 'incoming', remote: { uri: 'sip:x@y', user: '', displayName: '' } }),
        call({ id: 'c', state: 'connected' }),
      ],
      'b',
    )!;
    expect(model.label).to.not.equal('');
    const [held, ringing, talking] = model.rows;
    expect(held).to.include({ id: 'a', state: 'held', shown: false });
    expect(held!.text).to.match(/^Bob · /);
    expect(held!.action?.key).to.equal('resume');
    expect(held!.action?.ariaLabel).to.include('Bob');
    expect(ringing!.shown).to.equal(true);
    expect(ringing!.action?.key).to.equal('answer');
    expect(ringing!.text, 'an unknown caller gets a neutral word').to.not.match(/^ · /);
    expect(talking!.action).to.equal(undefined);
    expect(talking!.end.ariaLabel).to.include('Bob');
  });
});

describe('phone configuration and call timer (element helpers)', () => {
  const source = {
    server: 'wss://sip.example.com/ws',
    uri: 'sip:alice@example.com',
    authUser: '',
    password: 'secret',
    credentials: undefined,
    displayName: '',
    allowOtherDomains: false,
    config: { maxLines: 1 },
  };

  it('needs a server and a URI, and keeps only what is set', () => {
    expect(phoneConfigOf({ ...source, server: '' })).to.equal(undefined);
    expect(phoneConfigOf({ ...source, uri: '' })).to.equal(undefined);
    expect(phoneConfigOf(source)).to.deep.equal({
      maxLines: 1,
      server: 'wss://sip.example.com/ws',
      uri: 'sip:alice@example.com',
      password: 'secret',
      allowOtherDomains: false,
    });
    const other = phoneConfigOf({ ...source, config: { allowOtherDomains: true } });
    expect(other?.allowOtherDomains).to.equal(true);
    expect(PHONE_CONFIG_KEYS).to.include('credentials');
  });

  it('formats a duration as m:ss, or h:mm:ss past the hour', () => {
    expect(formatDuration(-5)).to.equal('0:00');
    expect(formatDuration(65_900)).to.equal('1:05');
    expect(formatDuration(3_725_000)).to.equal('1:02:05');
  });
});
