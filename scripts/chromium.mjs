// Debian's Chromium and the flags every test and benchmark launches it with (one list for all).
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these, a closed network makes Chromium retry Google's hosts over and over.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--ignore-certificate-errors',
  // Without it Chromium gathers no ICE candidate on lo and JsSIP never sends the INVITE.
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];
