/**
 * The registration state machine as a pure transition table:
 * `unregistered → registering → registered | failed`. Illegal inputs return `undefined`.
 */

export const RegistrationState = {
  Unregistered: 'unregistered',
  Registering: 'registering',
  Registered: 'registered',
  Failed: 'failed',
} as const;
export type RegistrationState = (typeof RegistrationState)[keyof typeof RegistrationState];

export const RegistrationInput = {
  /** A REGISTER is being sent (start, or reconnect after a failure). */
  Register: 'register',
  /** The registrar answered 2xx. */
  Registered: 'registered',
  /** A final non-2xx answer, a timeout, or a configuration problem. */
  Fail: 'fail',
  /** The WebSocket dropped: JsSIP reconnects and registers again. */
  TransportLost: 'transport-lost',
  /** The WebSocket could not be opened while registering. */
  TransportError: 'transport-error',
  /** Un-registered on purpose (stop, or expiry with no refresh). */
  Unregistered: 'unregistered',
} as const;
export type RegistrationInput = (typeof RegistrationInput)[keyof typeof RegistrationInput];

const TABLE: Record<RegistrationState, Partial<Record<RegistrationInput, RegistrationState>>> = {
  unregistered: { register: 'registering', fail: 'failed' },
  registering: {
    registered: 'registered',
    fail: 'failed',
    'transport-error': 'failed',
    'transport-lost': 'registering',
    unregistered: 'unregistered',
  },
  registered: {
    registered: 'registered',
    fail: 'failed',
    'transport-lost': 'registering',
    unregistered: 'unregistered',
  },
  failed: { register: 'registering', registered: 'registered', unregistered: 'unregistered' },
};

/** The next state, or `undefined` when `input` is illegal in `state`. */
export const nextRegistrationState = (
  state: RegistrationState,
  input: RegistrationInput,
): RegistrationState | undefined => TABLE[state][input];
