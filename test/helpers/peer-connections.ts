/**
 * Every RTCPeerConnection the page constructs from the first call on, in order: tests see which
 * connection a call used and whether one was made at all.
 */
const constructed: RTCPeerConnection[] = [];
let installed = false;

export function trackPeerConnections(): readonly RTCPeerConnection[] {
  if (!installed) {
    installed = true;
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        constructed.push(this);
      }
    } as typeof RTCPeerConnection;
  }
  return constructed;
}
