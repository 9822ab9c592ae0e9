import { expect } from '@open-wc/testing';
import {
  applyDialogInfo,
  lampFromDialogs,
  parseDialogInfo,
  parseMessageSummary,
  parsePidf,
} from '../../src/presence.js';

const doc = (dialogs: string, attrs = 'version="0" state="full"') =>
  `<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" ${attrs} entity="sip:bob@example.com">${dialogs}</dialog-info>`;

describe('presence: dialog-info (RFC 4235)', () => {
  it('reads dialogs, their state and direction', () => {
    const parsed = parseDialogInfo(
      doc(
        '<dialog id="a" direction="recipient"><state>early</state></dialog>' +
          '<dialog id="b" call-id="x" local-tag="1" remote-tag="2"><state> Confirmed </state></dialog>',
        'version="7" state="partial"',
      ),
    );
    expect(parsed).to.deep.equal({
      version: 7,
      full: false,
      dialogs: [
        { id: 'a', state: 'early', direction: 'recipient' },
        { id: 'b', state: 'confirmed' },
      ],
    });
  });

  it('refuses what is not a dialog-info document, and skips dialogs it cannot read', () => {
    for (const body of [
      '',
      'not xml',
      '<presence/>',
      doc('', 'version="x" state="full"'),
      doc('', 'version="1" state="sometimes"'),
      `<dialog-info version="1" state="full">${'<dialog id="d"><state>early</state></dialog>'.repeat(65)}</dialog-info>`,
      doc('<dialog').slice(0, 40),
      'x'.repeat(70_000),
    ]) {
      expect(parseDialogInfo(body), body.slice(0, 60)).to.equal(undefined);
    }
    const odd = parseDialogInfo(
      doc(
        '<dialog id=""><state>early</state></dialog><dialog id="s"><state>asleep</state></dialog>' +
          '<dialog id="ok" direction="sideways"><state>trying</state></dialog>',
      ),
    );
    expect(odd?.dialogs).to.deep.equal([{ id: 'ok', state: 'trying' }]);
  });

  it('refuses a DOCTYPE (no entity can be defined or expanded)', () => {
    const hostile =
      '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' +
      '<dialog-info version="1" state="full"><dialog id="&b;"><state>early</state></dialog></dialog-info>';
    expect(parseDialogInfo(hostile)).to.equal(undefined);
  });

  it('merges partial documents, forgets ended dialogs, and ignores an older partial version', () => {
    const full = applyDialogInfo(
      undefined,
      parseDialogInfo(doc('<dialog id="a" direction="recipient"><state>early</state></dialog>'))!,
    );
    expect(lampFromDialogs(full.dialogs.values())).to.equal('ringing');
    const answered = applyDialogInfo(
      full,
      parseDialogInfo(
        doc('<dialog id="a"><state>confirmed</state></dialog>', 'version="1" state="partial"'),
      )!,
    );
    expect(lampFromDialogs(answered.dialogs.values())).to.equal('busy');
    const stale = applyDialogInfo(
      answered,
      parseDialogInfo(
        doc('<dialog id="a"><state>terminated</state></dialog>', 'version="1" state="partial"'),
      )!,
    );
    expect(lampFromDialogs(stale.dialogs.values())).to.equal('busy');
    const ended = applyDialogInfo(
      answered,
      parseDialogInfo(
        doc('<dialog id="a"><state>terminated</state></dialog>', 'version="2" state="partial"'),
      )!,
    );
    expect(lampFromDialogs(ended.dialogs.values())).to.equal('idle');
  });

  it('lamp table: ringing beats busy, calling out is busy, nothing is idle', () => {
    const table: Array<
      [
        Array<{
          state: 'early' | 'confirmed' | 'trying' | 'terminated';
          direction?: 'initiator' | 'recipient';
        }>,
        string,
      ]
    > = [
      [[], 'idle'],
      [[{ state: 'terminated', direction: 'recipient' }], 'idle'],
      [[{ state: 'early', direction: 'recipient' }], 'ringing'],
      [[{ state: 'early', direction: 'initiator' }], 'busy'],
      [[{ state: 'trying' }], 'busy'],
      [[{ state: 'confirmed' }], 'busy'],
      [[{ state: 'confirmed' }, { state: 'early', direction: 'recipient' }], 'ringing'],
    ];
    for (const [dialogs, lamp] of table) {
      expect(
        lampFromDialogs(dialogs.map((d, i) => ({ id: String(i), ...d }))),
        JSON.stringify(dialogs),
      ).to.equal(lamp);
    }
  });
});

describe('presence: PIDF and message summary', () => {
  it('reads PIDF basic status', () => {
    const pidf = (basic: string) =>
      `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@x"><tuple id="t"><status><basic>${basic}</basic></status></tuple></presence>`;
    expect(parsePidf(pidf('open'))).to.equal('open');
    expect(parsePidf(pidf('closed'))).to.equal('closed');
    expect(parsePidf(pidf('maybe'))).to.equal(undefined);
    expect(parsePidf('<dialog-info/>')).to.equal(undefined);
  });

  it('reads RFC 3842 summaries strictly', () => {
    expect(
      parseMessageSummary(
        'Messages-Waiting: yes\r\nMessage-Account: sip:*97@x\r\nVoice-Message: 2/8 (0/2)\r\n',
      ),
    ).to.deep.equal({ waiting: true, newMessages: 2, oldMessages: 8 });
    expect(parseMessageSummary('messages-waiting:no\n')).to.deep.equal({
      waiting: false,
      newMessages: 0,
      oldMessages: 0,
    });
    for (const body of [
      '',
      'Voice-Message: 1/0',
      'Messages-Waiting: perhaps',
      'Messages-Waiting: yes\r\nVoice-Message: -1/0',
      'Messages-Waiting: yes\r\nVoice-Message: 1000000/0',
      'Messages-Waiting: yes\r\nVoice-Message: <script>/0',
      'Messages-Waiting: yes\r\n' + 'x'.repeat(9000),
    ]) {
      expect(parseMessageSummary(body), body.slice(0, 40)).to.equal(undefined);
    }
  });
});
