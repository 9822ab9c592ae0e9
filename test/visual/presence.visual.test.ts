// <sip-phone> with busy lamps (free and offline) and a voicemail badge with its button, in pictures
// (see elements.visual.test.ts and shoot.ts). Ringing blinks, so it is not pictured.
import '../../components/index.js';
import { registeredPhone } from '../helpers/phone-fixture.js';
import { sandboxMailbox, waitFor } from '../helpers/sandbox.js';
import { hideWhatChanges, shoot } from './shoot.js';

before(hideWhatChanges);

describe('how busy lamps and voicemail look', () => {
  it('<sip-phone> with a free lamp, an offline one and new voicemail', async () => {
    await sandboxMailbox('carol', { newMessages: 3, oldMessages: 2 });
    const carol = await registeredPhone('carol');
    carol.el.voicemail = 'voicemail';
    carol.el.watch = ['echo', 'nobody-here'];
    const lamp = (target: string) =>
      carol.el.shadowRoot!.querySelector<HTMLElement>(`[data-target="${target}"]`)?.dataset[
        'state'
      ];
    await waitFor(() => lamp('echo') === 'idle', 'echo free');
    await waitFor(() => lamp('nobody-here') === 'offline', 'nobody-here offline');
    await waitFor(
      () =>
        carol.el.shadowRoot!.querySelector('[part~="voicemail"]')?.getAttribute('data-new') === '3',
      'three new messages',
    );
    await shoot(carol.el, 'phone-lamps-voicemail');
    await sandboxMailbox('carol', { newMessages: 0, oldMessages: 0 });
  });
});
