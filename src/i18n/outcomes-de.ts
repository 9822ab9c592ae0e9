/** German outcome texts (see ../outcomes.ts for the English originals and their meaning). */
import type { OutcomeText, OutcomeTranslation } from '../outcomes.js';

const t = (title: string, explanation: string, action?: string): OutcomeText =>
  action ? { title, explanation, action } : { title, explanation };

const LATER = 'Versuchen Sie es später erneut.';
const CHECK_NUMBER = 'Prüfen Sie die Rufnummer.';
const REPORT = 'Melden Sie dies Ihrem Anbieter.';
const ALLOW_G711 = 'Bitten Sie Ihren Administrator, G.711 (PCMU/PCMA) zuzulassen.';

// prettier-ignore
const call: OutcomeTranslation['call'] = {
  100: t('Anruf wird vermittelt', 'Der Server hat den Anruf erhalten und stellt ihn durch.'),
  180: t('Es klingelt', 'Das andere Telefon klingelt.'),
  181: t('Anruf wird umgeleitet', 'Der Anruf wird auf eine andere Rufnummer umgeleitet.'),
  182: t('In der Warteschlange', 'Die Gegenseite ist gerade beschäftigt; Ihr Anruf wartet in einer Warteschlange.'),
  183: t('Verbindungsaufbau', 'Der Anruf wird verbunden; möglicherweise hören Sie einen Ton oder eine Ansage.'),
  199: t('Ein Rufziel hat aufgelegt', 'Eines der Ziele, auf die der Anruf umgeleitet wurde, hat aufgelegt; der Anruf läuft weiter.'),
  200: t('Verbunden', 'Der Anruf wurde angenommen.'),
  202: t('Anfrage angenommen', 'Die Anfrage wurde angenommen und wird bearbeitet.'),
  204: t('Keine Benachrichtigung', 'Die Anfrage war erfolgreich; es folgt keine Benachrichtigung.'),
  300: t('Mehrere Ziele möglich', 'Die Rufnummer ist unter mehreren Adressen erreichbar; keine davon wurde ausgewählt.', 'Rufen Sie eine der anderen Adressen direkt an.'),
  301: t('Dauerhaft neue Adresse', 'Die angerufene Person hat eine neue Adresse.', 'Aktualisieren Sie den Kontakt und rufen Sie die neue Adresse an.'),
  302: t('Vorübergehend andere Adresse', 'Die angerufene Person ist vorübergehend unter einer anderen Adresse erreichbar.', 'Versuchen Sie es unter der anderen Adresse.'),
  305: t('Anderer Server erforderlich', 'Der Anruf muss über einen anderen Server laufen.', 'Bitten Sie Ihren Administrator, die Servereinstellungen zu prüfen.'),
  380: t('Alternativer Dienst', 'Der Anruf kam nicht zustande; ein anderer Dienst wird angeboten.'),
  400: t('Ungültige Anfrage', 'Der Server konnte die Anrufanfrage nicht verstehen.', 'Prüfen Sie die Rufnummer; wenn es wieder passiert, melden Sie es Ihrem Anbieter.'),
  401: t('Passwortabfrage', 'Der Server fragt nach Ihrem Passwort (eine übliche Abfrage); das Telefon beantwortet sie automatisch.'),
  402: t('Zahlung erforderlich', 'Der Anbieter verlangt eine Zahlung, bevor dieser Anruf möglich ist.', 'Laden Sie Ihr Guthaben auf oder prüfen Sie Ihr Konto bei Ihrem Anbieter.'),
  403: t('Anruf nicht erlaubt', 'Der Anbieter hat den Anruf abgelehnt: meist fehlt Guthaben auf dem Konto, oder die angezeigte Rufnummer (From-Nummer) passt nicht zum Benutzernamen der Anmeldung.', 'Prüfen Sie Ihr Guthaben und ob die SIP-Adresse zum Auth-Benutzer passt.'),
  404: t('Rufnummer nicht gefunden', 'Die angerufene Rufnummer oder Adresse gibt es in dieser Domain nicht.', 'Prüfen Sie die Rufnummer und versuchen Sie es erneut.'),
  405: t('Anfrage nicht erlaubt', 'Die Gegenseite nimmt diese Art von Anfrage nicht an.'),
  406: t('Nicht annehmbar', 'Die Gegenseite kann den Anruf in der angefragten Form nicht annehmen.'),
  407: t('Passwortabfrage durch Proxy', 'Ein zwischengeschalteter Server fragt nach Ihrem Passwort; das Telefon beantwortet die Abfrage automatisch.'),
  408: t('Keine rechtzeitige Antwort', 'Der Server konnte die angerufene Person nicht rechtzeitig erreichen.', LATER),
  410: t('Rufnummer nicht mehr vergeben', 'Diese Rufnummer war vergeben, ist aber nicht mehr verfügbar.', CHECK_NUMBER),
  412: t('Bedingte Anfrage fehlgeschlagen', 'Der Server hat eine bedingte Anfrage abgelehnt.'),
  413: t('Anfrage zu groß', 'Die Anrufanfrage war zu groß für den Server.'),
  414: t('Adresse zu lang', 'Die angerufene Adresse ist zu lang für den Server.', CHECK_NUMBER),
  415: t('Format nicht unterstützt', 'Die Gegenseite unterstützt das Inhaltsformat des Anrufs nicht.'),
  416: t('Adresstyp nicht unterstützt', 'Der Server unterstützt diese Art von Adresse nicht.', 'Wählen Sie eine Rufnummer oder eine sip:-Adresse.'),
  417: t('Unbekannte Priorität', 'Der Server hat die Priorität des Anrufs nicht verstanden.'),
  420: t('Funktion nicht unterstützt', 'Die Gegenseite unterstützt eine Funktion nicht, die der Anruf benötigt.'),
  421: t('Funktion erforderlich', 'Die Gegenseite verlangt eine Funktion, die dieses Telefon nicht angeboten hat.'),
  422: t('Sitzungs-Timer zu kurz', 'Der Server verlangt ein längeres Auffrischungsintervall für die Verbindung.'),
  423: t('Intervall zu kurz', 'Der Server verlangt ein längeres Anmelde- oder Auffrischungsintervall.'),
  424: t('Ungültige Standortangaben', 'Der Server hat die Standortangaben abgelehnt.'),
  428: t('Identität erforderlich', 'Der Server verlangt eine bestätigte Identität des Anrufers.'),
  429: t('Identität des Weiterleitenden fehlt', 'Die Weiterleitung wurde abgelehnt, weil der Weiterleitende nicht überprüft werden konnte.'),
  430: t('Verbindung fehlgeschlagen', 'Eine Verbindung zur Gegenseite ist fehlgeschlagen.', 'Versuchen Sie es erneut.'),
  433: t('Anonyme Anrufe nicht erlaubt', 'Die Gegenseite nimmt keine Anrufe mit unterdrückter Rufnummer an.', 'Rufen Sie mit angezeigter Rufnummer an.'),
  436: t('Fehlerhafte Identitätsangaben', 'Die Angaben zur Identität des Anrufers konnten nicht verwendet werden.'),
  437: t('Zertifikat nicht unterstützt', 'Das Identitätszertifikat des Anrufers wurde nicht akzeptiert.'),
  438: t('Ungültiger Identitäts-Header', 'Die Identität des Anrufers konnte nicht überprüft werden.'),
  439: t('Outbound nicht unterstützt', 'Der Server unterstützt keine dauerhaften ausgehenden Verbindungen.'),
  440: t('Max-Breadth überschritten', 'Der Anruf wurde an zu viele Ziele gleichzeitig verteilt.'),
  469: t('Ungültiges Info-Paket', 'Die Gegenseite nimmt diese Art von Informationen während des Gesprächs nicht an.'),
  470: t('Zustimmung erforderlich', 'Die Gegenseite hat dem Empfang dieser Anfrage nicht zugestimmt.'),
  480: t('Nicht erreichbar', 'Die angerufene Person ist gerade nicht erreichbar (nicht angemeldet oder sie meldet sich nicht).', LATER),
  481: t('Anruf existiert nicht', 'Die Gegenseite kennt diesen Anruf nicht mehr.'),
  482: t('Schleife erkannt', 'Der Anruf wurde im Kreis geleitet.', REPORT),
  483: t('Zu viele Zwischenstationen', 'Der Anruf ist über zu viele Server gelaufen.', REPORT),
  484: t('Rufnummer unvollständig', 'Die gewählte Rufnummer ist unvollständig.', 'Prüfen Sie die Rufnummer und wählen Sie sie vollständig.'),
  485: t('Nicht eindeutig', 'Die angerufene Adresse passt zu mehr als einer Person.', 'Verwenden Sie eine genauere Adresse.'),
  486: t('Besetzt', 'Die angerufene Person führt gerade ein anderes Gespräch.', LATER),
  487: t('Anruf abgebrochen', 'Der Anruf wurde abgebrochen, bevor er angenommen wurde.'),
  488: t('Hier nicht annehmbar', 'Die Gegenseite kann keines der angebotenen Audioformate verwenden (Codecs passen nicht zusammen).', ALLOW_G711),
  489: t('Ungültiges Ereignis', 'Der Server unterstützt das angefragte Ereignispaket nicht.'),
  491: t('Anfrage ausstehend', 'Die Gegenseite hat den Anruf im selben Moment geändert; die Änderung wird wiederholt.'),
  493: t('Nicht entschlüsselbar', 'Die Gegenseite konnte die Anfrage nicht entschlüsseln.'),
  494: t('Sicherheitsvereinbarung erforderlich', 'Der Server verlangt eine Sicherheitsvereinbarung, die dieses Telefon nicht unterstützt.'),
  500: t('Serverfehler', 'Der Server hatte ein internes Problem und konnte den Anruf nicht durchführen.', 'Versuchen Sie es gleich noch einmal.'),
  501: t('Nicht implementiert', 'Der Server unterstützt die Anfrage nicht.'),
  502: t('Gateway-Fehler', 'Ein Gateway auf dem Weg hat eine ungültige Antwort aus dem nächsten Netz erhalten.', LATER),
  503: t('Dienst nicht verfügbar', 'Der Server ist überlastet oder wird gerade gewartet.', LATER),
  504: t('Zeitüberschreitung am Server', 'Ein Server auf dem Weg hat nicht rechtzeitig eine Antwort erhalten.', LATER),
  505: t('Version nicht unterstützt', 'Der Server unterstützt diese SIP-Version nicht.'),
  513: t('Nachricht zu groß', 'Die Anrufanfrage war zu groß für den Server.'),
  555: t('Push-Mitteilungen nicht unterstützt', 'Der Server unterstützt keine Push-Mitteilungen.'),
  580: t('Vorbedingung nicht erfüllt', 'Das Netz konnte nicht bereitstellen, was der Anruf benötigt.', LATER),
  600: t('Überall besetzt', 'Die angerufene Person ist auf allen Geräten besetzt.', LATER),
  603: t('Abgelehnt', 'Die angerufene Person hat den Anruf abgelehnt (in manchen Netzen bedeutet das: kein Guthaben).', 'Versuchen Sie es später erneut oder prüfen Sie Ihr Guthaben.'),
  604: t('Rufnummer existiert nicht', 'Die angerufene Rufnummer oder Adresse gibt es nicht.', CHECK_NUMBER),
  606: t('Nicht annehmbar', 'Die Gegenseite wurde erreicht, kann den Anruf so aber nicht annehmen (z. B. kein gemeinsames Audioformat).'),
  607: t('Unerwünscht', 'Die angerufene Person hat Ihren Anruf als unerwünscht markiert; weitere Anrufe werden wahrscheinlich ebenfalls abgelehnt.'),
  608: t('Abgewiesen', 'Eine Zwischenstelle (zum Beispiel ein Anruffilter) hat den Anruf abgewiesen.', 'Wenden Sie sich an Ihren Anbieter, wenn Sie das für einen Fehler halten.'),
};

// prettier-ignore
const register: OutcomeTranslation['register'] = {
  200: t('Angemeldet', 'Das Telefon ist angemeldet und kann Anrufe tätigen und empfangen.'),
  401: t('Benutzername oder Passwort falsch', 'Der Server hat die Zugangsdaten abgelehnt.', 'Prüfen Sie Auth-Benutzer und Passwort.'),
  403: t('Anmeldung verweigert', 'Der Server hat die Anmeldung dieses Kontos verweigert: meist wegen eines falschen Passworts oder eines gesperrten Kontos.', 'Prüfen Sie das Passwort und wenden Sie sich dann an Ihren Anbieter.'),
  404: t('Unbekanntes Konto', 'Der Server kennt diese SIP-Adresse nicht.', 'Prüfen Sie SIP-Adresse und Domain.'),
  407: t('Benutzername oder Passwort falsch', 'Ein Proxy hat die Zugangsdaten abgelehnt.', 'Prüfen Sie Auth-Benutzer und Passwort.'),
  408: t('Zeitüberschreitung bei der Anmeldung', 'Der Server hat nicht rechtzeitig auf die Anmeldung geantwortet.', 'Prüfen Sie das Netzwerk; das Telefon versucht es erneut.'),
  423: t('Anmeldeintervall zu kurz', 'Der Server verlangt ein längeres Anmeldeintervall.'),
  500: t('Serverfehler', 'Der Server konnte die Anmeldung nicht verarbeiten.', 'Versuchen Sie es gleich noch einmal.'),
  503: t('Dienst nicht verfügbar', 'Der Server ist überlastet oder wird gerade gewartet.', LATER),
};

// prettier-ignore
const fallback: OutcomeTranslation['fallback'] = {
  1: t('Verbindungsaufbau', 'Der Anruf wird aufgebaut.'),
  2: t('Erfolgreich', 'Die Anfrage war erfolgreich.'),
  3: t('Umgeleitet', 'Der Anruf wurde umgeleitet und kam nicht zustande.'),
  4: t('Anruf fehlgeschlagen', 'Die Anfrage wurde abgelehnt.'),
  5: t('Serverstörung', 'Ein Server konnte die Anfrage nicht ausführen.', LATER),
  6: t('Überall abgelehnt', 'Der Anruf wurde abgelehnt und wird auch anderswo nicht gelingen.'),
};

// prettier-ignore
const local: OutcomeTranslation['local'] = {
  'microphone-denied': t('Mikrofon blockiert', 'Der Browser darf das Mikrofon nicht verwenden.', 'Erlauben Sie dieser Seite den Zugriff auf das Mikrofon (Symbol in der Adressleiste) und rufen Sie dann erneut an.'),
  'microphone-missing': t('Kein Mikrofon', 'Es wurde kein Mikrofon gefunden.', 'Schließen Sie ein Mikrofon oder Headset an und versuchen Sie es erneut.'),
  'microphone-not-allowed-here': { title: 'Mikrofon im Rahmen nicht erlaubt', explanation: 'Dieses Telefon steckt in einer anderen Seite (einem iframe), die ihm das Mikrofon nicht erlaubt.', action: 'Der Seitenbetreiber muss dem iframe allow="microphone" hinzufügen.' },
  'microphone-busy': t('Mikrofon belegt', 'Das Mikrofon wird von einem anderen Programm verwendet und kann nicht geöffnet werden.', 'Schließen Sie das andere Programm oder wählen Sie ein anderes Mikrofon.'),
  'connection-error': t('Keine Verbindung zum Server', 'Das Telefon konnte den SIP-Server nicht erreichen.', 'Prüfen Sie das Netzwerk und die Serveradresse.'),
  'request-timeout': t('Keine Antwort vom Server', 'Der Server hat nicht rechtzeitig geantwortet.', 'Prüfen Sie das Netzwerk und versuchen Sie es erneut.'),
  'webrtc-error': t('Audioverbindung fehlgeschlagen', 'Der Browser konnte die Audioverbindung nicht aufbauen.', 'Laden Sie die Seite neu und versuchen Sie es erneut.'),
  'bad-media': t('Audio nicht kompatibel', 'Die Audiobeschreibung der Gegenseite konnte nicht verwendet werden.', ALLOW_G711),
  'rtp-timeout': t('Audioverbindung unterbrochen', 'Zu lange kam kein Ton an, daher wurde der Anruf beendet.', 'Prüfen Sie das Netzwerk und rufen Sie erneut an.'),
  'no-ack': t('Verbindungsaufbau unvollständig', 'Die Gegenseite hat den angenommenen Anruf nicht bestätigt.'),
  'connection-dropped': t('Anruf verloren', 'Der Anruf ging verloren, als die Verbindung abbrach.', 'Rufen Sie erneut an.'),
  'dialog-error': t('Verbindung verloren', 'Der Zustand des Anrufs ist zwischen Telefon und Server verloren gegangen.'),
  'no-answer': t('Keine Antwort', 'Niemand hat den Anruf angenommen.'),
  'credentials-unavailable': t('Keine Anmeldedaten', 'Die Seite konnte keine Anmeldedaten für den SIP-Server erhalten (ihr Anmeldedienst ist ausgefallen oder lieferte Unbrauchbares).', 'Laden Sie die Seite neu; wenn es wieder passiert, informieren Sie den Betreiber der Seite.'),
  'not-registered': t('Nicht verbunden', 'Das Telefon ist noch nicht mit dem Server verbunden.', 'Warten Sie, bis es angemeldet ist, oder prüfen Sie die Einstellungen.'),
  'hangup-local': t('Anruf beendet', 'Sie haben aufgelegt.'),
  'hangup-remote': t('Anruf beendet', 'Die Gegenseite hat aufgelegt.'),
  'rejected-local': t('Anruf abgelehnt', 'Sie haben den Anruf abgelehnt.'),
  'missed': t('Verpasster Anruf', 'Der Anrufer hat aufgelegt, bevor der Anruf angenommen wurde.'),
  'answered-elsewhere': t('Anderswo angenommen', 'Der Anruf wurde auf einem anderen Gerät angenommen.'),
  'transferred': t('Anruf weitergeleitet', 'Die Gegenseite wurde mit dem Weiterleitungsziel verbunden.'),
  'replaced': t('Anruf ersetzt', 'Der Anruf läuft nach einer Weiterleitung auf einer anderen Leitung weiter.'),
  'time-limit': t('Maximale Gesprächsdauer erreicht', 'Der Anruf hat die hier erlaubte Höchstdauer erreicht und wurde beendet.'),
  'tab-closed': t('Gespräch in einem anderen Tab beendet', 'Der Browser-Tab, in dem das Gespräch lief, wurde geschlossen oder verlassen, und das Gespräch endete mit ihm.'),
  'unknown': t('Anruf fehlgeschlagen', 'Der Anruf ist aus unbekanntem Grund fehlgeschlagen.'),
};

export const outcomesDe: OutcomeTranslation = { call, register, fallback, local };
