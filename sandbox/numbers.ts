// The sandbox's test numbers: what a newcomer can dial, and what each one does.

/** Final responses the outcome numbers answer with (number = code). */
export const OUTCOMES: Readonly<
  Record<string, { status: number; reason: string; description: string }>
> = {
  '403': {
    status: 403,
    // The carrier explanation from the seed text, shortened; no `[` or `]` (JsSIP drops those).
    reason: 'Forbidden - Caller ID must match the auth username or insufficient credit',
    description:
      'Forbidden: a carrier refuses the call (caller ID not matching the auth user, or no credit)',
  },
  '404': {
    status: 404,
    reason: 'Not Found',
    description: 'Not Found: the number does not exist',
  },
  '408': {
    status: 408,
    reason: 'Request Timeout',
    description: 'Request Timeout: the callee could not be found in time',
  },
  '480': {
    status: 480,
    reason: 'Temporarily Unavailable',
    description: 'Temporarily Unavailable: the callee is not reachable right now',
  },
  '486': {
    status: 486,
    reason: 'Busy Here',
    description: 'Busy Here: the callee is busy',
  },
  '488': {
    status: 488,
    reason: 'Not Acceptable Here',
    description: 'Not Acceptable Here: the offered media (SDP) is not acceptable',
  },
  '500': {
    status: 500,
    reason: 'Server Internal Error',
    description: 'Server Internal Error: the server failed',
  },
  '503': {
    status: 503,
    reason: 'Service Unavailable',
    description: 'Service Unavailable (with Retry-After: 120): the service is overloaded or down',
  },
  '600': {
    status: 600,
    reason: 'Busy Everywhere',
    description: 'Busy Everywhere: every destination of the callee is busy',
  },
  '603': {
    status: 603,
    reason: 'Decline',
    description: 'Decline: the callee declined the call',
  },
  '604': {
    status: 604,
    reason: 'Does Not Exist Anywhere',
    description: 'Does Not Exist Anywhere: the number does not exist anywhere',
  },
  '606': {
    status: 606,
    reason: 'Not Acceptable',
    description: 'Not Acceptable: the session description is not acceptable anywhere',
  },
  '607': {
    status: 607,
    reason: 'Unwanted',
    description: 'Unwanted: the callee marked the call as unwanted',
  },
  '608': {
    status: 608,
    reason: 'Rejected',
    description: 'Rejected: an intermediary (call analytics) rejected the call',
  },
};

/** Numbers that answer as a user agent with real media. */
export const MEDIA_NUMBERS = [
  'echo',
  'echo-info',
  'tone',
  'early',
  'progress',
  'ring',
  'hold-491',
  'hold-fail',
  'voicemail',
] as const;
export type MediaNumber = (typeof MEDIA_NUMBERS)[number];

/** Every test number → one-line description (for the dialer, the README and the CLI). */
export const TEST_NUMBERS: Readonly<Record<string, string>> = {
  echo: 'Answers and echoes your audio back; decodes DTMF digits (RFC 4733 and SIP INFO)',
  'echo-info':
    'Like echo, but answers without telephone-event (a legacy peer): DTMF must arrive as SIP INFO',
  tone: 'Answers and plays a continuous 440 Hz tone',
  early:
    'Early media: 180, then 183 Session Progress with a 425 Hz tone, then 200 OK after a few seconds (then echo)',
  progress:
    '183 Session Progress without media, then 180 Ringing, then 200 OK after 1.5 s (then echo)',
  ring: 'Rings forever (180 Ringing); hanging up sends CANCEL and gets 487 Request Terminated',
  'hold-491':
    'Like echo, but answers the first re-INVITE (hold / resume) with 491 Request Pending, later ones normally',
  'hold-fail':
    'Like echo, but answers every re-INVITE with 488 Not Acceptable Here (hold fails; the call goes on)',
  voicemail:
    'Your mailbox: answers and beeps once per new message, which are then heard (the waiting-message badge clears); voicemail-<user> leaves a message for <user>: speak after the beep, then hang up',
  ...Object.fromEntries(Object.entries(OUTCOMES).map(([number, o]) => [number, o.description])),
};

/** The test numbers in display order (media numbers first, then the outcome codes). */
export const TEST_NUMBER_LIST: ReadonlyArray<{ number: string; description: string }> = [
  ...MEDIA_NUMBERS,
  ...Object.keys(OUTCOMES),
].map((number) => ({ number, description: TEST_NUMBERS[number]! }));

export function isMediaNumber(n: string): n is MediaNumber {
  return (MEDIA_NUMBERS as readonly string[]).includes(n);
}

export function isTestNumber(n: string): boolean {
  return Object.hasOwn(TEST_NUMBERS, n);
}
