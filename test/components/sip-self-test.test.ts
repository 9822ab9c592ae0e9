import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/index.js';
import type { SipPhone, SipSelfTest } from '../../components/index.js';
import { passwordOf, sandbox, waitFor } from '../helpers/sandbox.js';
import { textOf } from '../helpers/phone-fixture.js';

const part = (el: SipSelfTest, name: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

async function panelFor(user: string, password?: string, lang = 'en') {
  const info = await sandbox();
  const wrapper = await fixture<HTMLDivElement>(
    html`<div lang=${lang}>
      <sip-phone
        id="phone-under-test"
        server=${info.wsUrl}
        uri=${`sip:${user}@${info.domain}`}
        echo-target="echo"
        .password=${password ?? (await passwordOf(user))}
      ></sip-phone>
      <sip-self-test for="phone-under-test"></sip-self-test>
    </div>`,
  );
  const panel = wrapper.querySelector<SipSelfTest>('sip-self-test')!;
  const phone = wrapper.querySelector<SipPhone>('sip-phone')!;
  await panel.updateComplete;
  return { panel, phone };
}

/** Waits for the speaker question, checks focus went to "Yes", and answers. */
async function answerSpeaker(panel: SipSelfTest, answer: 'yes' | 'no'): Promise<void> {
  const button = await waitFor(
    () => panel.shadowRoot!.querySelector<HTMLButtonElement>(`[data-answer="${answer}"]`),
    'the speaker question',
  );
  await waitFor(
    () => panel.shadowRoot!.activeElement?.getAttribute('data-answer') === 'yes',
    'focus on "Yes"',
  );
  expect(textOf(part(panel, 'speaker-prompt')!)).to.match(
    /^Did you hear a short tone\?|^Haben Sie/,
  );
  button.click();
}

describe('<sip-self-test>', () => {
  it('runs the phone’s self-test from its button: every check passes, and it is accessible', async () => {
    const { panel } = await panelFor('alice');
    expect(textOf(part(panel, 'summary')!)).to.match(/^Checks the server, your sign-in/);
    await expect(panel).to.be.accessible();
    const done = oneEvent(panel, 'sip-self-test-complete');
    part(panel, 'run-button')!.click();
    await waitFor(() => part(panel, 'stop-button'), 'the stop button while running');
    await answerSpeaker(panel, 'yes');
    const { detail } = await done;
    expect(detail.report.ok).to.equal(true);
    await panel.updateComplete;
    expect(textOf(part(panel, 'summary')!)).to.equal('All checks passed: you can call.');
    const items = [...panel.shadowRoot!.querySelectorAll<HTMLElement>('[part~="check"]')];
    expect(items.map((li) => `${li.dataset.check}:${li.dataset.status}`)).to.deep.equal([
      'websocket:pass',
      'register:pass',
      'microphone:pass',
      'speaker:pass',
      'ice:skip',
      'echo:pass',
    ]);
    expect(textOf(items[5]!)).to.match(/^Echo call: Passed The echo call connected in \d+ ms/);
    expect(part(panel, 'run-button')!.textContent!.trim()).to.equal('Run again');
    await expect(panel).to.be.accessible();
  });

  it('shows what to do for each failure, in the page’s language', async () => {
    const { panel } = await panelFor('alice', 'wrong-password', 'de');
    const done = oneEvent(panel, 'sip-self-test-complete');
    part(panel, 'run-button')!.click();
    await answerSpeaker(panel, 'no');
    const { detail } = await done;
    expect(detail.report.ok).to.equal(false);
    await panel.updateComplete;
    expect(textOf(part(panel, 'summary')!)).to.equal(
      '2 Prüfungen fehlgeschlagen: siehe unten, was zu tun ist.',
    );
    const register = panel.shadowRoot!.querySelector<HTMLElement>('[data-check="register"]')!;
    expect(register.dataset.status).to.equal('fail');
    // The findings and fixes speak German too (the SIP outcome from the German catalogue).
    expect(textOf(register)).to.match(
      /^Anmeldung \(REGISTER\): Fehlgeschlagen Anmeldung abgelehnt \(401\): Benutzername oder Passwort falsch\./,
    );
    expect(textOf(register.querySelector('[part~="fix"]')!)).to.equal(
      'Was zu tun ist: Prüfen Sie Auth-Benutzer und Passwort.',
    );
    const speaker = panel.shadowRoot!.querySelector<HTMLElement>('[data-check="speaker"]')!;
    expect(speaker.dataset.status).to.equal('fail');
    expect(textOf(speaker)).to.match(/Der Testton war nicht zu hören\./);
    const websocket = panel.shadowRoot!.querySelector<HTMLElement>('[data-check="websocket"]')!;
    expect(textOf(websocket)).to.match(/^Serververbindung: Bestanden Mit ws:\/\/.* verbunden\./);
    await expect(panel).to.be.accessible();
  });

  it('says so when there is no phone to test', async () => {
    const panel = await fixture<SipSelfTest>(html`<sip-self-test for="nowhere"></sip-self-test>`);
    expect(textOf(part(panel, 'summary')!)).to.match(/^No phone to test/);
    expect((part(panel, 'run-button') as HTMLButtonElement).disabled).to.equal(true);
    expect(await panel.run()).to.equal(undefined);
  });
});
