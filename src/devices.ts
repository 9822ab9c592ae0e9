/**
 * Audio devices: listing microphones and speakers, the constraints that pick one, and what a
 * failure to open one means. Labels are empty until the page has had microphone permission once
 * (a browser privacy rule).
 */
import type { LocalCause } from './outcomes.js';

export interface AudioDevices {
  microphones: MediaDeviceInfo[];
  speakers: MediaDeviceInfo[];
}

/** Microphones and speakers the browser reports. */
export async function listAudioDevices(): Promise<AudioDevices> {
  const devices = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
  return {
    microphones: devices.filter((d) => d.kind === 'audioinput'),
    speakers: devices.filter((d) => d.kind === 'audiooutput'),
  };
}

/** getUserMedia constraints for a microphone (`''` or `undefined`: the system default). */
export const microphoneConstraints = (deviceId?: string): MediaStreamConstraints => ({
  audio: deviceId && deviceId !== 'default' ? { deviceId: { exact: deviceId } } : true,
  video: false,
});

/** True when the browser can route an `<audio>` element to a chosen speaker. */
export const canChooseSpeaker = (): boolean =>
  typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

interface PermissionsPolicyLike {
  allowsFeature(feature: string): boolean;
}

/**
 * False when the page that embeds this one (an iframe without `allow="microphone"`) forbids the
 * microphone: then no prompt ever appears and the user cannot fix it — the page owner must.
 */
export function microphoneAllowedHere(): boolean {
  const doc = document as Document & {
    permissionsPolicy?: PermissionsPolicyLike;
    featurePolicy?: PermissionsPolicyLike;
  };
  const policy = doc.permissionsPolicy ?? doc.featurePolicy;
  return policy ? policy.allowsFeature('microphone') : true;
}

/** Maps a getUserMedia error to the cause a person can act on. */
export function microphoneCause(error: unknown): LocalCause {
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'microphone-missing';
  if (name === 'NotReadableError' || name === 'AbortError') return 'microphone-busy';
  // Inside an iframe without allow="microphone" no prompt appears: only the page owner can fix it.
  if (!microphoneAllowedHere()) return 'microphone-not-allowed-here';
  return 'microphone-denied';
}
