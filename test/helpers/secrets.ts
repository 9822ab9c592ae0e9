/**
 * The secrets a phone's configuration may carry besides its password (issue 13, item 6), each
 * unlike the others so that a leak names the rule that missed it, and the extra headers that
 * carry them. The redaction tests configure these and then look for every one of them.
 */
export const CONFIGURED_SECRETS = {
  urlToken: 'UrlQueryS3cret4b1e',
  apiKey: 'ApiKeyS3cret9d2c',
  headerBearer: 'HeaderBearerS3cret7a11',
  sessionToken: 'SessionTokenS3cret55e0',
  clientSecret: 'ClientS3cret0c3f',
  sig: 'SigS3cret6e21',
  key: 'KeyParamS3cret1f9a',
  auth: 'AuthParamS3cret8b74',
  otherBearer: 'OtherBearerS3cret2d6d',
};

export const SECRET_HEADERS = [
  `X-Api-Key: ${CONFIGURED_SECRETS.apiKey}`,
  `X-Authorization: Bearer ${CONFIGURED_SECRETS.headerBearer}`,
  `Cookie: session_token=${CONFIGURED_SECRETS.sessionToken}; client_secret=${CONFIGURED_SECRETS.clientSecret}`,
  `X-Request: sig=${CONFIGURED_SECRETS.sig}&key=${CONFIGURED_SECRETS.key}&auth=${CONFIGURED_SECRETS.auth}`,
  `X-Upstream: Bearer ${CONFIGURED_SECRETS.otherBearer}`,
];

/** Every key and value in localStorage, as one text (to search for the secrets above). */
export function storageText(): string {
  const out: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)!;
    out.push(`${key}=${localStorage.getItem(key) ?? ''}`);
  }
  return out.join('\n');
}
