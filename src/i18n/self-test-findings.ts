/**
 * What the self-test says it found, and the fixes it suggests, in each language. The SIP and
 * microphone outcomes inside them come from the outcome catalogue (also translated).
 */
export interface SelfTestFindings {
  stopped: string;
  unexpected: (message: string) => string;
  invalidSettings: (message: string) => string;
  fixSettings: string;
  fixServerSecure: string;
  fixServerPlain: string;
  serverNoAnswer: (server: string, seconds: number) => string;
  serverUnreachable: (server: string) => string;
  encrypted: string;
  notEncrypted: string;
  notSipSocket: (server: string, tls: string) => string;
  fixNotSipSocket: string;
  connected: (server: string, tls: string) => string;
  registerNotTried: string;
  registerTimeout: (seconds: number) => string;
  fixRegisterTimeout: string;
  registered: (uri: string) => string;
  registerRefused: (code: string, why: string) => string;
  noReason: string;
  fixRegister: string;
  defaultMicrophone: string;
  fixMicrophone: string;
  microphoneNotMeasured: (label: string) => string;
  fixMicrophoneNotMeasured: string;
  microphoneSilent: (label: string) => string;
  fixMicrophoneSilent: string;
  microphoneWorks: (label: string) => string;
  speakerNotTried: string;
  speakerUnavailable: string;
  fixSpeakerUnavailable: string;
  toneHeard: string;
  toneNotHeard: string;
  fixToneNotHeard: string;
  noIceServers: string;
  relayObtained: (server: string) => string;
  publicAddressObtained: (server: string) => string;
  noRelay: (server: string, why: string) => string;
  stunNoAnswer: (server: string, why: string) => string;
  fixTurn: string;
  fixStun: string;
  echoNotConfigured: string;
  echoNotRegistered: string;
  echoNoMicrophone: string;
  echoTimeout: (target: string, seconds: number) => string;
  echoFailed: (target: string, code: string, why: string) => string;
  fixEcho: string;
  echoNoAudio: (seconds: number) => string;
  fixEchoNoAudio: string;
  echoWorks: (ms: number, rttMs: number | undefined) => string;
}

const en: SelfTestFindings = {
  stopped: 'The self-test was stopped.',
  unexpected: (message) => `Unexpected error: ${message}`,
  invalidSettings: (message) => `The settings are not valid: ${message}`,
  fixSettings: 'Correct the settings, then run the self-test again.',
  fixServerSecure:
    'Check the server address and port. If they are right, the server’s TLS certificate may not ' +
    'be trusted: open the address with https:// in a tab to see the browser’s reason.',
  fixServerPlain: 'Check the server address and port, and that the SIP server is running.',
  serverNoAnswer: (server, seconds) => `No answer from ${server} within ${seconds} s.`,
  serverUnreachable: (server) => `Could not connect to ${server}.`,
  encrypted: 'The connection is encrypted (TLS).',
  notEncrypted: 'The connection is not encrypted (allowed for this computer only).',
  notSipSocket: (server, tls) =>
    `Connected to ${server}, but the server did not agree to the "sip" WebSocket subprotocol. ${tls}`,
  fixNotSipSocket:
    'The address may point at a web server rather than the SIP server’s WebSocket port.',
  connected: (server, tls) => `Connected to ${server}. ${tls}`,
  registerNotTried: 'Not tried: the server could not be reached.',
  registerTimeout: (seconds) => `The server did not answer the REGISTER within ${seconds} s.`,
  fixRegisterTimeout:
    'The server is reachable but does not answer SIP: check the server address and path.',
  registered: (uri) => `Registered as ${uri}.`,
  registerRefused: (code, why) => `Registration refused${code}: ${why}`,
  noReason: 'no reason given',
  fixRegister: 'Check the SIP address, auth user and password.',
  defaultMicrophone: 'the default microphone',
  fixMicrophone: 'Allow the microphone for this page.',
  microphoneNotMeasured: (label) =>
    `${label} opened, but its level could not be measured: the browser holds audio until the page is clicked.`,
  fixMicrophoneNotMeasured: 'Start the self-test with a click or key press.',
  microphoneSilent: (label) => `${label} opened but delivered silence.`,
  fixMicrophoneSilent:
    'Speak during the test. If it stays silent, check the microphone’s mute switch, or choose another microphone.',
  microphoneWorks: (label) => `${label} works and picks up sound.`,
  speakerNotTried: 'Not tried: someone has to listen for the test tone.',
  speakerUnavailable: 'The chosen speaker is not available.',
  fixSpeakerUnavailable: 'Choose another speaker in the device settings.',
  toneHeard: 'The test tone was heard.',
  toneNotHeard: 'The test tone was not heard.',
  fixToneNotHeard:
    'Turn the volume up, check the headset is plugged in, or choose another speaker.',
  noIceServers:
    'No STUN or TURN server is configured: calls rely on the SIP server relaying media, which is ' +
    'usual for WebRTC gateways.',
  relayObtained: (server) => `${server} gave a relay address.`,
  publicAddressObtained: (server) => `${server} told this browser its public address.`,
  noRelay: (server, why) => `${server} gave no relay address${why}.`,
  stunNoAnswer: (server, why) => `${server} did not answer${why}.`,
  fixTurn:
    'Check the TURN server’s address, username and credential, and that this network lets ' +
    'traffic out to it (UDP or TCP to the port in its address; 3478 unless given, 5349 for turns:).',
  fixStun:
    'Check the STUN server’s address, and that this network lets UDP out to it (to the port in ' +
    'its address; 3478 unless given).',
  echoNotConfigured: 'Not tried: no echo service is configured for this server.',
  echoNotRegistered: 'Not tried: the registration did not succeed.',
  echoNoMicrophone: 'Not tried: a call needs the microphone.',
  echoTimeout: (target, seconds) =>
    `The echo call to ${target} was not answered within ${seconds} s.`,
  echoFailed: (target, code, why) => `The echo call to ${target} failed${code}: ${why}.`,
  fixEcho: 'Check the echo number, or try calling it from the dialer.',
  echoNoAudio: (seconds) => `The echo call connected, but no audio came back in ${seconds} s.`,
  fixEchoNoAudio:
    'A firewall may block the audio (UDP): configure a TURN server, or ask the network ' +
    'administrator to allow WebRTC media.',
  echoWorks: (ms, rttMs) =>
    `The echo call connected in ${ms} ms and the audio came back` +
    (rttMs !== undefined ? ` (round trip ${rttMs} ms).` : '.'),
};

const de: SelfTestFindings = {
  stopped: 'Der Selbsttest wurde abgebrochen.',
  unexpected: (message) => `Unerwarteter Fehler: ${message}`,
  invalidSettings: (message) => `Die Einstellungen sind ungültig: ${message}`,
  fixSettings: 'Korrigieren Sie die Einstellungen und starten Sie den Selbsttest erneut.',
  fixServerSecure:
    'Prüfen Sie Serveradresse und Port. Stimmen beide, wird dem TLS-Zertifikat des Servers ' +
    'vielleicht nicht vertraut: Öffnen Sie die Adresse mit https:// in einem Tab, um den Grund zu sehen.',
  fixServerPlain: 'Prüfen Sie Serveradresse und Port und ob der SIP-Server läuft.',
  serverNoAnswer: (server, seconds) => `Keine Antwort von ${server} innerhalb von ${seconds} s.`,
  serverUnreachable: (server) => `Keine Verbindung zu ${server}.`,
  encrypted: 'Die Verbindung ist verschlüsselt (TLS).',
  notEncrypted: 'Die Verbindung ist nicht verschlüsselt (nur auf diesem Computer erlaubt).',
  notSipSocket: (server, tls) =>
    `Mit ${server} verbunden, aber der Server hat das WebSocket-Subprotokoll „sip“ nicht angenommen. ${tls}`,
  fixNotSipSocket:
    'Die Adresse zeigt vielleicht auf einen Webserver statt auf den WebSocket-Port des SIP-Servers.',
  connected: (server, tls) => `Mit ${server} verbunden. ${tls}`,
  registerNotTried: 'Nicht geprüft: Der Server war nicht erreichbar.',
  registerTimeout: (seconds) =>
    `Der Server hat das REGISTER nicht innerhalb von ${seconds} s beantwortet.`,
  fixRegisterTimeout:
    'Der Server ist erreichbar, antwortet aber nicht auf SIP: Prüfen Sie Serveradresse und Pfad.',
  registered: (uri) => `Angemeldet als ${uri}.`,
  registerRefused: (code, why) => `Anmeldung abgelehnt${code}: ${why}`,
  noReason: 'ohne Angabe von Gründen',
  fixRegister: 'Prüfen Sie SIP-Adresse, Auth-Benutzer und Passwort.',
  defaultMicrophone: 'Das Standardmikrofon',
  fixMicrophone: 'Erlauben Sie dieser Seite das Mikrofon.',
  microphoneNotMeasured: (label) =>
    `${label} ist geöffnet, aber der Pegel ließ sich nicht messen: Der Browser gibt Audio erst nach einem Klick auf die Seite frei.`,
  fixMicrophoneNotMeasured: 'Starten Sie den Selbsttest mit einem Klick oder Tastendruck.',
  microphoneSilent: (label) => `${label} ist geöffnet, liefert aber nur Stille.`,
  fixMicrophoneSilent:
    'Sprechen Sie während des Tests. Bleibt es still, prüfen Sie den Stummschalter des Mikrofons oder wählen Sie ein anderes Mikrofon.',
  microphoneWorks: (label) => `${label} funktioniert und nimmt Ton auf.`,
  speakerNotTried: 'Nicht geprüft: Jemand muss auf den Testton hören.',
  speakerUnavailable: 'Der gewählte Lautsprecher ist nicht verfügbar.',
  fixSpeakerUnavailable: 'Wählen Sie in den Geräteeinstellungen einen anderen Lautsprecher.',
  toneHeard: 'Der Testton war zu hören.',
  toneNotHeard: 'Der Testton war nicht zu hören.',
  fixToneNotHeard:
    'Drehen Sie die Lautstärke auf, prüfen Sie, ob das Headset eingesteckt ist, oder wählen Sie einen anderen Lautsprecher.',
  noIceServers:
    'Kein STUN- oder TURN-Server eingerichtet: Gespräche verlassen sich darauf, dass der ' +
    'SIP-Server die Medien weiterleitet, wie bei WebRTC-Gateways üblich.',
  relayObtained: (server) => `${server} hat eine Relay-Adresse vergeben.`,
  publicAddressObtained: (server) =>
    `${server} hat diesem Browser seine öffentliche Adresse genannt.`,
  noRelay: (server, why) => `${server} hat keine Relay-Adresse vergeben${why}.`,
  stunNoAnswer: (server, why) => `${server} hat nicht geantwortet${why}.`,
  fixTurn:
    'Prüfen Sie Adresse, Benutzername und Kennwort des TURN-Servers und ob dieses Netz Verkehr ' +
    'zu ihm durchlässt (UDP oder TCP zum Port in seiner Adresse; sonst 3478, bei turns: 5349).',
  fixStun:
    'Prüfen Sie die Adresse des STUN-Servers und ob dieses Netz UDP zu ihm durchlässt (zum Port ' +
    'in seiner Adresse; sonst 3478).',
  echoNotConfigured: 'Nicht geprüft: Für diesen Server ist kein Echo-Dienst eingerichtet.',
  echoNotRegistered: 'Nicht geprüft: Die Anmeldung ist nicht gelungen.',
  echoNoMicrophone: 'Nicht geprüft: Ein Anruf braucht das Mikrofon.',
  echoTimeout: (target, seconds) =>
    `Der Echo-Anruf an ${target} wurde nicht innerhalb von ${seconds} s angenommen.`,
  echoFailed: (target, code, why) => `Der Echo-Anruf an ${target} ist gescheitert${code}: ${why}.`,
  fixEcho: 'Prüfen Sie die Echo-Nummer, oder rufen Sie sie über den Wähler an.',
  echoNoAudio: (seconds) =>
    `Der Echo-Anruf wurde verbunden, aber in ${seconds} s kam kein Ton zurück.`,
  fixEchoNoAudio:
    'Eine Firewall blockiert vielleicht den Ton (UDP): Richten Sie einen TURN-Server ein, oder ' +
    'bitten Sie die Netzwerkverwaltung, WebRTC-Medien zu erlauben.',
  echoWorks: (ms, rttMs) =>
    `Der Echo-Anruf wurde in ${ms} ms verbunden und der Ton kam zurück` +
    (rttMs !== undefined ? ` (Umlaufzeit ${rttMs} ms).` : '.'),
};

export const selfTestFindings = (lang: string | undefined): SelfTestFindings =>
  lang === 'de' ? de : en;
