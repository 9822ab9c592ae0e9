/**
 * The framework-free core of sip-phone. Public API, listed explicitly: anything not exported here
 * (the wire observer's socket, the session wiring) is an implementation detail.
 */
export { Phone } from './phone.js';
export type { PhoneEvents, RegistrationSnapshot, CallOptions } from './phone.js';
export type { Lamp, WatchPackage } from './watchlist.js';
export type { LampState, VoicemailSummary } from './presence.js';
export { Call } from './call.js';
export { glareDelayMs } from './reoffer.js';
export type {
  CallDirection,
  CallEvents,
  CallSnapshot,
  RemoteParty,
  SipResponseInfo,
  TransferRefusal,
} from './call.js';
export { TransferRequest } from './transfer-request.js';
export type { TransferRequestState } from './transfer-request.js';
export {
  checkReferTo,
  parseReplaces,
  parseRemoteUri,
  sameParty,
  replacementAuthorized,
  transferTargetAllowed,
  TRANSFER_POLICIES,
} from './transfer-policy.js';
export type {
  TransferPolicy,
  ReferToCheck,
  ReferToTarget,
  ReferToRefusal,
  RemoteUri,
} from './transfer-policy.js';
export {
  CallState,
  CallInput,
  nextCallState,
  isFinalCallState,
  isLiveCallState,
  isEstablishedCallState,
} from './call-machine.js';
export {
  RegistrationState,
  RegistrationInput,
  nextRegistrationState,
} from './registration-machine.js';
export {
  resolveConfig,
  validateServer,
  validateServers,
  validateExtraHeader,
  validateIceServers,
  parseIceServers,
  DEFAULTS,
  DTMF_LIMITS,
} from './config.js';
export type {
  PhoneConfig,
  ResolvedPhoneConfig,
  AudioCodec,
  DtmfMode,
  ServerEntry,
} from './config.js';
export {
  AUTO_ANSWER_OFF,
  AUTO_ANSWER_WARNING_MS,
  MAX_ANSWER_AFTER_SECONDS,
  autoAnswerDecision,
  callerAllowed,
  parseAnswerRequest,
  resolveAutoAnswer,
} from './auto-answer.js';
export type {
  AnswerRequest,
  AnswerRequestHeader,
  AnswerRequestHeaders,
  AutoAnswerCaller,
  AutoAnswerDecision,
  AutoAnswerInput,
  AutoAnswerMode,
  AutoAnswerRefusal,
  AutoAnswerSettings,
} from './auto-answer.js';
export { checkCredentials, fetchCredentials, renewDelayMs } from './credentials.js';
export type { Credentials, CredentialsProvider } from './credentials.js';
export { parseDialString, buildSipUri, isValidHost } from './dial-string.js';
export type { DialOptions, DialTarget } from './dial-string.js';
export {
  describeStatus,
  describeLocalCause,
  describeOutcome,
  registerOutcomeTranslation,
  KNOWN_STATUS_CODES,
  REGISTER_STATUS_CODES,
  LOCAL_OUTCOMES,
} from './outcomes.js';
export type {
  Outcome,
  OutcomeContext,
  OutcomeText,
  OutcomeTranslation,
  Severity,
  LocalCause,
} from './outcomes.js';
export { uiStrings, matchLanguage, SUPPORTED_LANGUAGES } from './i18n/index.js';
export type { UiStrings, PartialUiStrings } from './i18n/index.js';
export {
  preferredCodecs,
  applyCodecPreferences,
  restrictAudioCodecs,
  audioCodecsInSdp,
  sdpHasTelephoneEvent,
  sdpFollowsPolicy,
} from './media-policy.js';
export { validateDtmf, validateDtmfTiming } from './dtmf.js';
export { sanitizeRemoteText, hasControlCharacters } from './text.js';
export { summarizeSipMessage, normalizeReasonPhrase, MAX_MESSAGE_SIZE } from './transport.js';
export type { FlowEvent } from './transport.js';
export {
  RETRY_DEFAULTS,
  INITIAL_POLICY_STATE,
  RETRYABLE_STATUS,
  classifyRegisterStatus,
  backoffCeiling,
  backoffDelayMs,
  retryAfterDelayMs,
  parseRetryAfter,
  nextPolicyStep,
  refreshDelayMs,
  grantedExpires,
  flowTimerSeconds,
} from './registration-policy.js';
export type {
  RetryTiming,
  PolicyState,
  PolicyEvent,
  PolicyAction,
  PolicyResult,
} from './registration-policy.js';
export { RELIABILITY_DEFAULTS, resolveReliabilityConfig } from './reliability-config.js';
export type {
  ReliabilityConfig,
  ResolvedReliabilityConfig,
  KeepAliveMethod,
} from './reliability-config.js';
export { KeepAlive } from './keep-alive.js';
export type { KeepAliveOptions } from './keep-alive.js';
export { MediaWatchdog, inboundAudioPackets } from './media-watchdog.js';
export type { MediaWatchdogOptions } from './media-watchdog.js';
export {
  redactSecrets,
  enableDebugLog,
  disableDebugLog,
  addSecretHeaders,
  stripUrlSecrets,
} from './log-redaction.js';
export { TonePlayer, toneFor, shouldNotify, dtmfFrequencies } from './tones.js';
export { CallHistory, historyEntryFor } from './history.js';
export {
  listAudioDevices,
  microphoneConstraints,
  microphoneAllowedHere,
  microphoneCause,
  canChooseSpeaker,
} from './devices.js';
export type { AudioDevices } from './devices.js';
export type { HistoryEntry, HistoryEvents } from './history.js';
export type { ToneKind, ToneEvents } from './tones.js';
export type { WireMessage } from './transport.js';
export {
  SipPhoneError,
  ConfigError,
  DialStringError,
  DtmfError,
  PhoneStateError,
  isSipPhoneError,
  isConfigError,
  isDialStringError,
  isDtmfError,
  isPhoneStateError,
} from './errors.js';
export { Emitter } from './emitter.js';
export type { Handler } from './emitter.js';
export {
  QualityMonitor,
  QualityEvaluator,
  mosG711,
  sampleQuality,
  DEFAULT_THRESHOLDS,
} from './quality.js';
export type { QualityIssue, QualitySample, QualitySnapshot, QualityThresholds } from './quality.js';
export {
  DiagnosticsRecorder,
  DIAGNOSTICS_FORMAT,
  DIAGNOSTICS_LIMITS,
  formatDiagnosticsText,
  redactSipMessage,
  summarizeStats,
} from './diagnostics.js';
export type {
  CallDiagnostics,
  CandidatePairSummary,
  CandidateSummary,
  DiagnosticsLimits,
  DiagnosticsReport,
  LadderEntry,
  StatsSummary,
  TransitionEntry,
} from './diagnostics.js';
export { runSelfTest, SELF_TEST_CHECKS } from './self-test.js';
export type {
  SelfTestCheck,
  SelfTestCheckId,
  SelfTestOptions,
  SelfTestReport,
  SelfTestStatus,
} from './self-test.js';
export { VERSION } from './version.js';
export {
  nextIcePhase,
  ICE_RECOVERY_MS,
  ICE_RESTART_DELAY_MS,
  MAX_ICE_RESTARTS,
} from './ice-recovery.js';
export type { IcePhase } from './ice-recovery.js';
