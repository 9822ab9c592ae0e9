/**
 * QualityController: watches the call an element shows with a QualityMonitor (getStats every
 * second) while it is connected, and tells the element when warnings rise or clear. The monitor's
 * code is in the in-call chunk, fetched when a call starts if the dialling has not fetched it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { QualityMonitor, QualitySnapshot } from '../../src/quality.js';
import type { Call } from '../../src/call.js';
import { isEstablishedCallState } from '../../src/call-machine.js';
import { loadInCall, loadedInCall } from '../shared/lazy.js';

export class QualityController implements ReactiveController {
  /** The latest verdict for the watched call (no issues when none is watched). */
  snapshot: QualitySnapshot = { issues: [] };

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #call: () => Call | undefined;
  readonly #onChange: (snapshot: QualitySnapshot, call: Call) => void;
  #watched: { call: Call; monitor: QualityMonitor } | undefined;

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    call: () => Call | undefined,
    onChange: (snapshot: QualitySnapshot, call: Call) => void,
  ) {
    this.#host = host;
    this.#call = call;
    this.#onChange = onChange;
    host.addController(this);
  }

  hostUpdated(): void {
    const call = this.#call();
    const pc = call?.peerConnection;
    const live = call !== undefined && isEstablishedCallState(call.state);
    if (this.#watched && (this.#watched.call !== call || !live)) this.#stop();
    // Any call fetches the monitor's code (if the dialling did not already), before it is up.
    const inCall = call ? loadedInCall() : undefined;
    if (call && !inCall)
      void loadInCall().then(
        () => this.#host.requestUpdate(),
        () => undefined,
      );
    if (!call || !pc || !live || this.#watched || !inCall) return;
    const monitor = new inCall.QualityMonitor(pc, {
      isMuted: () => call.snapshot.muted || call.state === 'held',
    });
    monitor.on('change', (snapshot) => {
      this.snapshot = snapshot;
      this.#host.requestUpdate();
      this.#onChange(snapshot, call);
    });
    monitor.start();
    this.#watched = { call, monitor };
  }

  hostDisconnected(): void {
    this.#stop();
  }

  #stop(): void {
    const watched = this.#watched;
    if (!watched) return;
    watched.monitor.stop();
    this.#watched = undefined;
    if (this.snapshot.issues.length) {
      this.snapshot = { issues: [] };
      this.#onChange(this.snapshot, watched.call);
    }
  }
}
