/**
 * The pre-call self-test: can this browser, on this network, with these settings, make a call?
 * Each check says what it found and, when it failed, what to do about it:
 *
 * 1. `websocket` — the server's WebSocket answers (and over TLS for `wss://`);
 * 2. `register` — a REGISTER with the configured credentials succeeds;
 * 3. `microphone` — the microphone opens and delivers sound;
 * 4. `speaker` — a test tone plays and the user confirms hearing it;
 * 5. `ice` — each STUN server gives a public address, each TURN server a relay;
 * 6. `echo` — a call to an echo service connects and the audio comes back.
 *
 * It uses a phone of its own (registered for the test's duration, then un-registered), so it can run
 * beside a phone in use.
 */
import { describeLocalCause, describeOutcome } from './outcomes.js';
import { selfTestFindings, type SelfTestFindings } from './i18n/self-test-findings.js';
import { microphoneCause, microphoneConstraints } from './devices.js';
import { summarizeStats } from './diagnostics.js';
import { Phone } from './phone.js';
import { isConfigError } from './errors.js';
import { resolveConfig, type PhoneConfig } from './config.js';
import type { RegistrationSnapshot } from './phone.js';

export type SelfTestCheckId = 'websocket' | 'register' | 'microphone' | 'speaker' | 'ice' | 'echo';
export type SelfTestStatus = 'pending' | 'running' | 'pass' | 'warn' | 'fail' | 'skip';

export interface SelfTestCheck {
  id: SelfTestCheckId;
  status: SelfTestStatus;
  /** What was found, in one or two plain sentences. */
  detail: string;
  /** What to do about a failure or warning. */
  fix?: string;
  durationMs?: number;
  /** Measurements behind the verdict (status codes, levels, candidate counts, packets…). */
  data?: Record<string, unknown>;
}

export interface SelfTestReport {
  /** No check failed (warnings and skipped checks allowed). */
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  checks: SelfTestCheck[];
}

export interface SelfTestOptions {
  /** The microphone to test (`''`: the default). */
  microphoneId?: string;
  /** The speaker for the test tone (`''`: the default). */
  speakerId?: string;
  /**
   * Asked once the test tone has played: did the user hear it? `replay` plays it again. Without
   * this, the speaker check is skipped (it needs a person).
   */
  confirmSpeaker?: (replay: () => Promise<void>) => Promise<boolean>;
  /** A number that answers and echoes audio back (the sandbox's `echo`). Without it: skipped. */
  echoTarget?: string;
  /** Called whenever a check starts or ends, with every check so far. */
  onProgress?: (checks: SelfTestCheck[]) => void;
  /** Stops the test; checks not run are skipped. */
  signal?: AbortSignal;
  /** Longest wait of each network step, in ms (default 10 000). */
  timeoutMs?: number;
  /** Language of the findings and fixes (`en`, `de`; default English). */
  lang?: string;
}

export const SELF_TEST_CHECKS: readonly SelfTestCheckId[] = [
  'websocket',
  'register',
  'microphone',
  'speaker',
  'ice',
  'echo',
];

/** RMS level (0–1) above which the microphone counts as delivering sound. */
const SILENCE_LEVEL = 0.001;
const LEVEL_WINDOW_MS = 1500;
const TONE_MS = 800;
const ICE_TIMEOUT_MS = 5000;
const ECHO_AUDIO_WAIT_MS = 3000;

class Timeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Timeout(`no answer within ${ms / 1000} s`)), ms);
    const onAbort = () => reject(new DOMException('The self-test was stopped.', 'AbortError'));
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the self-test with a phone configuration like `<sip-phone>`'s. Never throws. */
export async function runSelfTest(
  config: PhoneConfig,
  options: SelfTestOptions = {},
): Promise<SelfTestReport> {
  const startedAt = new Date().toISOString();
  const timeout = options.timeoutMs ?? 10_000;
  const lang = options.lang;
  const f = selfTestFindings(lang);
  const checks: SelfTestCheck[] = SELF_TEST_CHECKS.map((id) => ({
    id,
    status: 'pending',
    detail: '',
  }));
  const progress = () => options.onProgress?.(checks.map((c) => ({ ...c })));
  const check = (id: SelfTestCheckId) => checks.find((c) => c.id === id)!;
  const settle = (id: SelfTestCheckId, result: Omit<SelfTestCheck, 'id'>) => {
    Object.assign(check(id), result);
    progress();
  };
  /** Runs one check, timing it; an exception becomes a failure with its message. */
  const run = async (
    id: SelfTestCheckId,
    body: () => Promise<Omit<SelfTestCheck, 'id' | 'durationMs'>>,
  ) => {
    if (options.signal?.aborted) {
      settle(id, { status: 'skip', detail: f.stopped });
      return;
    }
    settle(id, { status: 'running', detail: '' });
    const began = performance.now();
    let result: Omit<SelfTestCheck, 'id' | 'durationMs'>;
    try {
      result = await body();
    } catch (error) {
      result = {
        status: options.signal?.aborted ? 'skip' : 'fail',
        detail: options.signal?.aborted
          ? f.stopped
          : f.unexpected(String((error as Error)?.message ?? error)),
      };
    }
    settle(id, { ...result, durationMs: Math.round(performance.now() - began) });
  };
  const skip = (id: SelfTestCheckId, detail: string) => settle(id, { status: 'skip', detail });

  let phone: Phone | undefined;
  try {
    let resolved: ReturnType<typeof resolveConfig> | undefined;
    try {
      resolved = resolveConfig(config);
    } catch (error) {
      if (!isConfigError(error)) throw error;
      settle('websocket', {
        status: 'fail',
        detail: f.invalidSettings(error.message),
        fix: f.fixSettings,
      });
    }
    if (resolved) {
      const server = resolved.server;
      await run('websocket', () => checkWebSocket(f, server, timeout, options.signal));
    }
    if (check('websocket').status === 'pass') {
      await run('register', async () => {
        // An instance of its own: the same instance id would take over (and its un-REGISTER
        // remove) the registration of the phone being tested (RFC 5626 matching).
        phone = new Phone({ ...config, register: true, instanceId: crypto.randomUUID() });
        return checkRegister(f, lang, phone, timeout, options.signal);
      });
    } else {
      skip('register', f.registerNotTried);
    }
    await run('microphone', () => checkMicrophone(f, lang, options.microphoneId ?? ''));
    if (options.confirmSpeaker) {
      const confirm = options.confirmSpeaker;
      await run('speaker', () => checkSpeaker(f, options.speakerId ?? '', confirm));
    } else {
      skip('speaker', f.speakerNotTried);
    }
    await run('ice', () => checkIce(f, resolved?.iceServers ?? config.iceServers ?? []));
    if (!options.echoTarget) {
      skip('echo', f.echoNotConfigured);
    } else if (check('register').status !== 'pass' || !phone) {
      skip('echo', f.echoNotRegistered);
    } else if (check('microphone').status === 'fail') {
      skip('echo', f.echoNoMicrophone);
    } else {
      const registered = phone;
      const target = options.echoTarget;
      await run('echo', () => checkEcho(f, lang, registered, target, timeout, options.signal));
    }
  } finally {
    await phone?.stop().catch(() => undefined);
  }
  return {
    ok: !checks.some((c) => c.status === 'fail'),
    startedAt,
    finishedAt: new Date().toISOString(),
    checks,
  };
}

type CheckResult = Omit<SelfTestCheck, 'id' | 'durationMs'>;

async function checkWebSocket(
  f: SelfTestFindings,
  server: string,
  timeout: number,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const secure = server.startsWith('wss:');
  const fix = secure ? f.fixServerSecure : f.fixServerPlain;
  const socket = new WebSocket(server, 'sip');
  try {
    const opened = await withTimeout(
      new Promise<boolean>((resolve) => {
        socket.addEventListener('open', () => resolve(true), { once: true });
        socket.addEventListener('error', () => resolve(false), { once: true });
        socket.addEventListener('close', () => resolve(false), { once: true });
      }),
      timeout,
      signal,
    ).catch((error: unknown) => {
      if (error instanceof Timeout) return undefined;
      throw error;
    });
    if (opened === undefined) {
      return { status: 'fail', detail: f.serverNoAnswer(server, timeout / 1000), fix };
    }
    if (!opened) return { status: 'fail', detail: f.serverUnreachable(server), fix };
    const tls = secure ? f.encrypted : f.notEncrypted;
    if (socket.protocol !== 'sip') {
      return {
        status: 'warn',
        detail: f.notSipSocket(server, tls),
        fix: f.fixNotSipSocket,
        data: { protocol: socket.protocol, secure },
      };
    }
    return { status: 'pass', detail: f.connected(server, tls), data: { secure } };
  } finally {
    socket.close();
  }
}

async function checkRegister(
  f: SelfTestFindings,
  lang: string | undefined,
  phone: Phone,
  timeout: number,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const settled = new Promise<RegistrationSnapshot>((resolve) => {
    const off = phone.on('registration-change', (snapshot) => {
      if (snapshot.state === 'registered' || snapshot.state === 'failed') {
        off();
        resolve(snapshot);
      }
    });
  });
  phone.start();
  let snapshot: RegistrationSnapshot;
  try {
    snapshot = await withTimeout(settled, timeout, signal);
  } catch (error) {
    if (!(error instanceof Timeout)) throw error;
    return {
      status: 'fail',
      detail: f.registerTimeout(timeout / 1000),
      fix: f.fixRegisterTimeout,
    };
  }
  if (snapshot.state === 'registered') {
    return {
      status: 'pass',
      detail: f.registered(phone.config.uri),
      data: { status: snapshot.status },
    };
  }
  // As the element's registration line says it.
  const outcome = describeOutcome(snapshot, 'register', lang);
  const code = snapshot.status !== undefined ? ` (${snapshot.status})` : '';
  return {
    status: 'fail',
    detail: f.registerRefused(
      code,
      outcome ? `${outcome.title}. ${outcome.explanation}` : (snapshot.reason ?? f.noReason),
    ),
    fix: outcome?.action ?? f.fixRegister,
    data: { status: snapshot.status, reason: snapshot.reason, cause: snapshot.cause },
  };
}

async function checkMicrophone(
  f: SelfTestFindings,
  lang: string | undefined,
  deviceId: string,
): Promise<CheckResult> {
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia(microphoneConstraints(deviceId));
  } catch (error) {
    const outcome = describeLocalCause(microphoneCause(error), lang);
    return {
      status: 'fail',
      detail: `${outcome.title}. ${outcome.explanation}`,
      fix: outcome.action ?? f.fixMicrophone,
      data: { error: (error as { name?: string })?.name },
    };
  }
  const track = stream.getAudioTracks()[0];
  const label = track?.label || f.defaultMicrophone;
  const context = new AudioContext();
  try {
    await context.resume().catch(() => undefined);
    if (context.state !== 'running') {
      return {
        status: 'warn',
        detail: f.microphoneNotMeasured(label),
        fix: f.fixMicrophoneNotMeasured,
      };
    }
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let peak = 0;
    const until = performance.now() + LEVEL_WINDOW_MS;
    while (performance.now() < until) {
      await sleep(50);
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      peak = Math.max(peak, Math.sqrt(sum / samples.length));
    }
    const level = Math.round(peak * 10_000) / 10_000;
    if (level < SILENCE_LEVEL) {
      return {
        status: 'warn',
        detail: f.microphoneSilent(label),
        fix: f.fixMicrophoneSilent,
        data: { level, label },
      };
    }
    return { status: 'pass', detail: f.microphoneWorks(label), data: { level, label } };
  } finally {
    for (const t of stream.getTracks()) t.stop();
    await context.close().catch(() => undefined);
  }
}

async function checkSpeaker(
  f: SelfTestFindings,
  speakerId: string,
  confirm: (replay: () => Promise<void>) => Promise<boolean>,
): Promise<CheckResult> {
  const context = new AudioContext();
  try {
    const sinkable = context as AudioContext & { setSinkId?(id: string): Promise<void> };
    if (speakerId && sinkable.setSinkId) {
      try {
        await sinkable.setSinkId(speakerId);
      } catch {
        return { status: 'fail', detail: f.speakerUnavailable, fix: f.fixSpeakerUnavailable };
      }
    }
    const play = async () => {
      await context.resume().catch(() => undefined);
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = 440;
      gain.gain.value = 0.2;
      oscillator.connect(gain).connect(context.destination);
      oscillator.start();
      oscillator.stop(context.currentTime + TONE_MS / 1000);
      await sleep(TONE_MS);
    };
    await play();
    const heard = await confirm(play);
    return heard
      ? { status: 'pass', detail: f.toneHeard }
      : { status: 'fail', detail: f.toneNotHeard, fix: f.fixToneNotHeard };
  } finally {
    await context.close().catch(() => undefined);
  }
}

const urlsOf = (server: RTCIceServer): string[] =>
  Array.isArray(server.urls) ? server.urls : [server.urls];

/** Gathers candidates with one ICE server; resolves with their types and any gathering errors. */
async function gather(
  server: RTCIceServer,
): Promise<{ types: string[]; errors: Array<{ code: number; text: string }> }> {
  const pc = new RTCPeerConnection({ iceServers: [server] });
  const types: string[] = [];
  const errors: Array<{ code: number; text: string }> = [];
  try {
    pc.createDataChannel('self-test');
    const done = new Promise<void>((resolve) => {
      pc.addEventListener('icecandidate', (event) => {
        if (!event.candidate) resolve();
        else if (event.candidate.type) types.push(event.candidate.type);
      });
      pc.addEventListener('icecandidateerror', (event) => {
        const e = event as RTCPeerConnectionIceErrorEvent;
        errors.push({ code: e.errorCode, text: e.errorText });
      });
    });
    await pc.setLocalDescription(await pc.createOffer());
    await Promise.race([done, sleep(ICE_TIMEOUT_MS)]);
  } finally {
    pc.close();
  }
  return { types, errors };
}

async function checkIce(f: SelfTestFindings, servers: RTCIceServer[]): Promise<CheckResult> {
  if (!servers.length) return { status: 'skip', detail: f.noIceServers };
  const findings: string[] = [];
  const failures: string[] = [];
  let turnFailed = false;
  const data: Record<string, unknown> = {};
  for (const server of servers) {
    const urls = urlsOf(server);
    const turn = urls.some((url) => /^turns?:/i.test(url));
    const wanted = turn ? 'relay' : 'srflx';
    const { types, errors } = await gather(server);
    const name = urls.join(', ');
    data[name] = { candidates: types, errors };
    if (types.includes(wanted)) {
      findings.push(turn ? f.relayObtained(name) : f.publicAddressObtained(name));
    } else {
      // Chromium's error texts end with a full stop of their own.
      const why = errors.length
        ? ` (${errors.map((e) => `${e.code}${e.text ? ` ${e.text.replace(/\.$/, '')}` : ''}`).join('; ')})`
        : '';
      failures.push(turn ? f.noRelay(name, why) : f.stunNoAnswer(name, why));
      turnFailed ||= turn;
    }
  }
  if (failures.length) {
    return {
      status: 'fail',
      detail: [...failures, ...findings].join(' '),
      fix: turnFailed ? f.fixTurn : f.fixStun,
      data,
    };
  }
  return { status: 'pass', detail: findings.join(' '), data };
}

/** Inbound audio packets so far and the round trip of the pair in use, from the stats summary. */
async function inboundAudio(pc: RTCPeerConnection): Promise<{ packets: number; rttMs?: number }> {
  const stats = summarizeStats(await pc.getStats());
  const packets = stats.inbound?.packetsReceived ?? 0;
  const rttMs =
    stats.pairs.find((pair) => pair.selected)?.roundTripTimeMs ?? stats.remote?.roundTripTimeMs;
  return rttMs === undefined ? { packets } : { packets, rttMs };
}

async function checkEcho(
  f: SelfTestFindings,
  lang: string | undefined,
  phone: Phone,
  target: string,
  timeout: number,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const call = phone.call(target);
  try {
    const began = performance.now();
    const final = await withTimeout(
      new Promise<string>((resolve) => {
        const off = call.on('change', (snapshot) => {
          if (
            snapshot.state === 'connected' ||
            snapshot.state === 'ended' ||
            snapshot.state === 'failed'
          ) {
            off();
            resolve(snapshot.state);
          }
        });
      }),
      timeout,
      signal,
    ).catch((error: unknown) => {
      if (error instanceof Timeout) return 'timeout';
      throw error;
    });
    if (final !== 'connected') {
      const s = call.snapshot;
      // As the element's banner says it.
      const outcome = describeOutcome(s, 'call', lang);
      return {
        status: 'fail',
        detail:
          final === 'timeout'
            ? f.echoTimeout(target, timeout / 1000)
            : f.echoFailed(
                target,
                s.status !== undefined ? ` (${s.status})` : '',
                outcome?.title ?? s.reason ?? f.noReason,
              ),
        fix: outcome?.action ?? f.fixEcho,
        data: { status: s.status, cause: s.cause },
      };
    }
    const connectMs = Math.round(performance.now() - began);
    const pc = call.peerConnection;
    let audio = { packets: 0 } as { packets: number; rttMs?: number };
    const until = performance.now() + ECHO_AUDIO_WAIT_MS;
    while (pc && performance.now() < until) {
      await sleep(250);
      audio = await inboundAudio(pc);
      if (audio.packets >= 25) break;
    }
    if (audio.packets === 0) {
      return {
        status: 'fail',
        detail: f.echoNoAudio(ECHO_AUDIO_WAIT_MS / 1000),
        fix: f.fixEchoNoAudio,
        data: { connectMs, packets: 0 },
      };
    }
    return {
      status: 'pass',
      detail: f.echoWorks(connectMs, audio.rttMs),
      data: { connectMs, packets: audio.packets, rttMs: audio.rttMs },
    };
  } finally {
    if (call.state !== 'ended' && call.state !== 'failed') call.hangup();
  }
}
