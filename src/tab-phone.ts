/**
 * `SharedPhone`: one phone for an account across the tabs of a browser profile. Each tab makes
 * one; the tab that wins the Web Lock for the account (tab-leader.ts) runs the real `Phone` (the
 * JsSIP user agent: one registration, one contact, the calls and their audio) and publishes its
 * state on the account's channel (tab-channel.ts); the other tabs mirror it with a `RemotePhone`
 * (tab-remote.ts) and send their commands to the leader. When the leader's page goes away (closed,
 * `pagehide`, frozen), it stops its phone (BYE, un-REGISTER) and releases the lock; the next tab in
 * the lock's queue starts its own phone at once, with the same `+sip.instance` (instance-id.ts),
 * so the registrar replaces the binding.
 *
 * It has the events and methods of `Phone` that an element uses, and `phone`: the real phone while
 * this tab leads (undefined while it follows).
 */
import { Emitter } from './emitter.js';
import type { Call } from './call.js';
import type { CallSnapshot } from './call-snapshot.js';
import type { ResolvedPhoneConfig } from './config.js';
import type { DiagnosticsReport } from './diagnostics.js';
import { parseDialString } from './dial-string.js';
import { validateDtmf } from './dtmf.js';
import { isSipPhoneError, PhoneStateError } from './errors.js';
import { isFinalCallState } from './call-machine.js';
import type { Phone, PhoneEvents } from './phone.js';
import type { RegistrationSnapshot } from './registration-driver.js';
import type { TransferRequest } from './transfer-request.js';
import {
  MAX_SHARED_CALLS,
  TabChannel,
  tabLockName,
  wireCallSnapshot,
  wireRegistration,
  type TabCommand,
  type TabError,
  type TabMessage,
  type TabState,
} from './tab-channel.js';
import { TabLeader } from './tab-leader.js';
import { RemotePhone } from './tab-remote.js';
import { isRemoteCall, type PhoneCall } from './tab-call.js';

export type { PhoneCall };

export type TabRole = 'leader' | 'follower';

export interface SharedPhoneEvents extends Record<string, unknown> {
  'registration-change': RegistrationSnapshot;
  call: PhoneCall;
  'transfer-request': TransferRequest;
  'transfer-refused': PhoneEvents['transfer-refused'];
  /** This tab took the phone over, or gave it up. */
  role: TabRole;
}

export class SharedPhone extends Emitter<SharedPhoneEvents> {
  /** The validated configuration (the leader's own may differ in what no tab shows). */
  readonly config: ResolvedPhoneConfig;
  readonly #make: () => Phone;
  /** The phone made to validate the configuration, started when this tab first leads. */
  #standby: Phone | undefined;
  #phone: Phone | undefined;
  #remote: RemotePhone | undefined;
  #channel: TabChannel | undefined;
  #leader: TabLeader | undefined;
  #registration: RegistrationSnapshot = { state: 'unregistered' };
  #running = false;
  /** The page is hidden in the back/forward cache or frozen: it holds no phone and waits. */
  #away = false;
  #offLeading: Array<() => void> = [];
  #offFollowing: Array<() => void> = [];
  #offPage: (() => void) | undefined;
  #stopping: Promise<void> = Promise.resolve();

  /** Makes the phone once to check the configuration: throws its {@link ConfigError}. */
  constructor(makePhone: () => Phone) {
    super();
    this.#make = makePhone;
    this.#standby = makePhone();
    this.config = this.#standby.config;
  }

  /** The real phone, while this tab holds it. */
  get phone(): Phone | undefined {
    return this.#phone;
  }

  get role(): TabRole {
    return this.#phone ? 'leader' : 'follower';
  }

  get registration(): RegistrationSnapshot {
    return this.#registration;
  }

  /** Calls not over yet: this tab's own while it leads, else the leader's, mirrored. */
  get calls(): PhoneCall[] {
    return this.#phone?.calls ?? this.#remote?.calls ?? [];
  }

  /** Joins the tabs of this account: follows at once, leads when the lock is granted. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#offPage = this.#watchPage();
    void this.#join();
  }

  /** Leaves: stops the phone (when leading) and releases the lock. */
  stop(): Promise<void> {
    if (!this.#running) return this.#stopping;
    this.#running = false;
    this.#offPage?.();
    this.#offPage = undefined;
    const stopped = this.#leave();
    this.#channel?.close();
    this.#channel = undefined;
    return stopped;
  }

  /** Places a call (here, or through the leader). Throws what `Phone.call()` throws. */
  call(target: string): Promise<void> {
    if (this.#phone) {
      this.#phone.call(target);
      return Promise.resolve();
    }
    const { account, allowOtherDomains, maxLines } = this.config;
    parseDialString(target, { domain: account.host, allowOtherDomains });
    const remote = this.#remote;
    if (!remote || this.#registration.state !== 'registered') {
      throw new PhoneStateError('not-registered', 'The phone is not registered yet.');
    }
    if (remote.calls.length >= maxLines) {
      throw new PhoneStateError('busy', 'All lines are busy; hang up a call first.');
    }
    return remote.send({ op: 'call', target });
  }

  /** Answers a ringing call (a call you are talking on goes on hold). */
  answer(call: PhoneCall): void {
    if (this.#phone && !isRemoteCall(call)) this.#phone.answer(call);
    else if (isRemoteCall(call)) call.answer();
  }

  /** Switches to a held call. */
  resume(call: PhoneCall): Promise<boolean> {
    if (this.#phone && !isRemoteCall(call)) return this.#phone.resume(call);
    return isRemoteCall(call) ? call.unhold() : Promise.resolve(false);
  }

  /** Transfers (in the tab that holds the call only). */
  transfer(call: PhoneCall, target: string | PhoneCall): Promise<boolean> {
    const phone = this.#phone;
    if (phone && !isRemoteCall(call) && !isRemoteCall(target as PhoneCall)) {
      return phone.transfer(call, target as string | Call);
    }
    return Promise.reject(
      new PhoneStateError('in-another-tab', 'The call is in another tab: transfer it there.'),
    );
  }

  /** "Retry now" (here, or asks the leader). */
  retryNow(): boolean {
    if (this.#phone) return this.#phone.retryNow();
    if (this.#registration.retryAt === undefined || !this.#remote) return false;
    void this.#remote.send({ op: 'retry' }).catch(() => undefined);
    return true;
  }

  diagnostics(): Promise<DiagnosticsReport> {
    if (this.#phone) return this.#phone.diagnostics();
    return Promise.reject(
      new PhoneStateError(
        'in-another-tab',
        'The phone is in another tab of this browser: save the diagnostics there.',
      ),
    );
  }

  async #join(): Promise<void> {
    let name: string;
    try {
      name = await tabLockName(this.config.servers, this.config.uri);
    } catch {
      return;
    }
    if (!this.#running || this.#away || this.#leader) return;
    this.#channel ??= new TabChannel(name);
    this.#follow();
    const leader = new TabLeader(name, {
      lead: () => this.#lead(leader),
      stepDown: () => this.#resign(),
    });
    this.#leader = leader;
    leader.start();
  }

  /**
   * Gives up the phone and the place in the queue; follows no more. `now`: the lock goes at once,
   * without waiting for the phone's connection to close (the page is going away or freezing; its
   * BYE and un-REGISTER are already sent).
   */
  #leave(now = false): Promise<void> {
    const stopped = this.#resign();
    this.#leader?.stop(now);
    this.#leader = undefined;
    this.#unfollow();
    return stopped;
  }

  #follow(): void {
    const channel = this.#channel;
    if (!channel || this.#remote) return;
    const remote = new RemotePhone(channel);
    this.#remote = remote;
    this.#offFollowing.push(
      remote.on('registration-change', (snapshot) => this.#setRegistration(snapshot)),
      remote.on('call', (call) => this.emit('call', call)),
    );
    this.#setRegistration(remote.registration);
    remote.start();
    this.emit('role', 'follower');
  }

  #unfollow(): void {
    const remote = this.#remote;
    this.#remote = undefined;
    // Its live calls end here as lost before its listeners go.
    remote?.stop();
    for (const off of this.#offFollowing) off();
    this.#offFollowing = [];
  }

  #lead(leader: TabLeader): void {
    const channel = this.#channel;
    if (!this.#running || this.#away || leader !== this.#leader || !channel) return;
    this.#unfollow();
    const phone = this.#standby ?? this.#make();
    this.#standby = undefined;
    this.#phone = phone;
    const publish = (ended?: CallSnapshot) => this.#publish(ended);
    this.#offLeading.push(
      phone.on('registration-change', (snapshot) => {
        this.#setRegistration(snapshot);
        publish();
      }),
      phone.on('call', (call) => {
        const off = call.on('change', (snapshot) => {
          if (isFinalCallState(snapshot.state)) {
            off();
            this.#offLeading = this.#offLeading.filter((f) => f !== off);
            publish(snapshot);
          } else publish();
        });
        this.#offLeading.push(off);
        this.emit('call', call);
        publish();
      }),
      phone.on('transfer-request', (request) => this.emit('transfer-request', request)),
      phone.on('transfer-refused', (refusal) => this.emit('transfer-refused', refusal)),
      channel.on((message) => this.#serve(message)),
    );
    this.#setRegistration(phone.registration);
    this.emit('role', 'leader');
    phone.start();
    publish();
  }

  /** Stops this tab's phone (its calls end: BYE), tells the others, and lets the lock go. */
  #resign(): Promise<void> {
    const phone = this.#phone;
    if (!phone) return this.#stopping;
    this.#phone = undefined;
    // The others hear it first: their mirrored calls end as "ended in another tab" (not with this
    // tab's "You hung up"), and one of them takes over. Then the calls are hung up (BYE).
    this.#channel?.post({ kind: 'leaving' });
    for (const off of this.#offLeading) off();
    this.#offLeading = [];
    this.#stopping = phone.stop();
    this.#setRegistration({ state: 'unregistered' });
    return this.#stopping;
  }

  #publish(ended?: CallSnapshot): void {
    const phone = this.#phone;
    if (!phone) return;
    const state = {
      registration: wireRegistration(phone.registration),
      calls: phone.calls.slice(0, MAX_SHARED_CALLS).map((c) => wireCallSnapshot(c.snapshot)),
      ...(ended ? { ended: wireCallSnapshot(ended) } : {}),
    };
    this.#channel?.post({ kind: 'state', state: state as unknown as TabState });
  }

  /** A follower's message: `hello` gets the state, a command is done and answered. */
  #serve(message: TabMessage): void {
    if (message.kind === 'hello') {
      this.#publish();
      return;
    }
    if (message.kind !== 'command') return;
    const reply = (ok: boolean, error?: TabError) =>
      this.#channel?.post({
        kind: 'result',
        to: message.from,
        id: message.id,
        ok,
        ...(error ? { error } : {}),
      });
    try {
      void this.#run(message.command).then(
        (ok) => reply(ok),
        (error: unknown) => reply(false, tabError(error)),
      );
    } catch (error) {
      reply(false, tabError(error));
    }
  }

  /** Does what a follower asked, as this tab's own controls would. */
  #run(command: TabCommand): Promise<boolean> {
    const phone = this.#phone;
    if (!phone) throw new PhoneStateError('not-leader', 'This tab does not hold the phone.');
    if (command.op === 'call') {
      phone.call(command.target);
      return Promise.resolve(true);
    }
    if (command.op === 'retry') return Promise.resolve(phone.retryNow());
    const call = phone.calls.find((c) => c.id === command.call);
    if (!call) throw new PhoneStateError('no-such-call', 'That call is over.');
    switch (command.op) {
      case 'answer':
        phone.answer(call);
        break;
      case 'hangup':
        call.hangup();
        break;
      case 'reject':
        call.reject(command.status);
        break;
      case 'dtmf':
        if (call.state !== 'connected' && call.state !== 'held') {
          throw new PhoneStateError(
            'not-connected',
            'DTMF can only be sent during a connected call.',
          );
        }
        call.sendDtmf(validateDtmf(command.digits));
        break;
      case 'mute':
        call.setMuted(command.muted);
        break;
      case 'hold':
        return call.hold();
      case 'resume':
        return phone.resume(call);
    }
    return Promise.resolve(true);
  }

  #setRegistration(snapshot: RegistrationSnapshot): void {
    if (snapshot === this.#registration) return;
    this.#registration = snapshot;
    this.emit('registration-change', snapshot);
  }

  /**
   * The page goes into the back/forward cache or is frozen: it gives the phone up (another tab
   * takes it) and bids again when it is back. A page that is closed needs nothing: the browser
   * releases its lock.
   */
  #watchPage(): (() => void) | undefined {
    if (typeof window === 'undefined') return undefined;
    const away = () => {
      if (this.#away) return;
      this.#away = true;
      void this.#leave(true);
    };
    const back = () => {
      if (!this.#away) return;
      this.#away = false;
      void this.#join();
    };
    const pageShow = (event: PageTransitionEvent) => {
      if (event.persisted) back();
    };
    window.addEventListener('pagehide', away);
    document.addEventListener('freeze', away);
    window.addEventListener('pageshow', pageShow);
    document.addEventListener('resume', back);
    return () => {
      window.removeEventListener('pagehide', away);
      document.removeEventListener('freeze', away);
      window.removeEventListener('pageshow', pageShow);
      document.removeEventListener('resume', back);
    };
  }
}

/** A command's error as the channel carries it: a phone error's own words, else a plain failure. */
function tabError(error: unknown): TabError {
  if (isSipPhoneError(error)) {
    const name = ['PhoneStateError', 'DialStringError', 'DtmfError'].includes(error.name)
      ? (error.name as TabError['name'])
      : 'Error';
    return { name, code: error.code.slice(0, 64), message: error.message.slice(0, 300) };
  }
  return { name: 'Error', code: 'failed', message: 'The other tab could not do it.' };
}
