// The bundle-size anchor (issue 8): bare JsSIP and one minimal LitElement, built exactly like
// dist/sip-phone.js (vite.config.ts's lib mode, same minifier). Never shipped, never run: it is
// what any Lit element around JsSIP weighs before it does anything of its own.
import JsSIP from 'jssip';
import { LitElement, html } from 'lit';

type UA = InstanceType<typeof JsSIP.UA>;

/** One button that registers and calls `target`: JsSIP with its defaults, nothing else. */
export class BareJssipPhone extends LitElement {
  static override properties = {
    server: {},
    uri: {},
    target: {},
    state: { state: true },
  };

  declare server: string;
  declare uri: string;
  declare target: string;
  declare password: string;
  declare state: string;
  #ua: UA | undefined;

  constructor() {
    super();
    this.server = '';
    this.uri = '';
    this.target = '';
    this.password = '';
    this.state = 'idle';
  }

  override render() {
    return html`<button @click=${this.#call}>${this.state}</button>`;
  }

  #call(): void {
    this.#ua ??= new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(this.server)],
      uri: this.uri,
      password: this.password,
    });
    this.#ua.start();
    const session = this.#ua.call(this.target, { mediaConstraints: { audio: true, video: false } });
    session.on('confirmed', () => (this.state = 'connected'));
    session.on('ended', () => (this.state = 'ended'));
  }
}

customElements.define('bare-jssip-phone', BareJssipPhone);
