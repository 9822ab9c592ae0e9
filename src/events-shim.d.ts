// JsSIP's .d.ts files extend `EventEmitter` from 'events' (the npm polyfill JsSIP depends on) but
// ship no types for it; without this, `once`/`off` vanish from UA and RTCSession.
declare module 'events' {
  type Listener = (...args: never[]) => void;
  // Generic only so that JsSIP's `EventEmitter<EventMap>` bases type-check (the map is not used).
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  export class EventEmitter<EventMap = unknown> {
    on(event: string, listener: Listener): this;
    once(event: string, listener: Listener): this;
    off(event: string, listener: Listener): this;
    removeListener(event: string, listener: Listener): this;
    removeAllListeners(event?: string): this;
    listenerCount(event: string): number;
    emit(event: string, ...args: unknown[]): boolean;
  }
}
