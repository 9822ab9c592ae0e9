// `<SipPhone>` in a React app: the account comes from a form (your app would get it from its
// backend), goes down as props, and the phone's events come up as typed `on…` props.
import { useState, type FormEvent } from 'react';
import { SipPhone } from 'sip-phone/react';
import type { CallState, RegistrationState } from 'sip-phone';

interface Account {
  server: string;
  uri: string;
  password: string;
}

function AccountForm({ onSignIn }: { onSignIn: (account: Account) => void }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    onSignIn({
      server: String(data.get('server')),
      uri: String(data.get('uri')),
      password: String(data.get('password')),
    });
  };
  return (
    <form onSubmit={submit}>
      <label>
        Server <input name="server" type="url" required placeholder="wss://sip.example.com/ws" />
      </label>
      <label>
        SIP address <input name="uri" required placeholder="sip:alice@example.com" />
      </label>
      <label>
        Password <input name="password" type="password" autoComplete="current-password" />
      </label>
      <button type="submit">Sign in</button>
    </form>
  );
}

export function App() {
  const [account, setAccount] = useState<Account>();
  const [registration, setRegistration] = useState<RegistrationState>('unregistered');
  const [calls, setCalls] = useState<CallState[]>([]);
  return (
    <main>
      <h1>sip-phone in React</h1>
      {account ? (
        <SipPhone
          server={account.server}
          uri={account.uri}
          password={account.password}
          onSipRegistrationChange={(event) => setRegistration(event.detail.state)}
          onSipCallChange={(event) => setCalls((states) => [...states, event.detail.state])}
        />
      ) : (
        <AccountForm onSignIn={setAccount} />
      )}
      <p role="status" id="registration">
        Registration: {registration}
      </p>
      <p id="calls">Call states: {calls.join(' → ') || 'none yet'}</p>
    </main>
  );
}
