// The cardExt keys WeChat accepts and what each value must look like. Shared by the client validator, the
// server toolkit's cardExt builder and the card-platform simulator, so all three judge a cardExt alike. No wx here.

/** What a value must match, what it must be (in words), and whether a number is allowed (checked as its decimal string). */
type Rule = [RegExp, string, boolean?]

// At most 10 digits: a 13-digit millisecond timestamp is the usual mistake.
const SECONDS: Rule = [/^\d{1,10}$/, 'integer seconds, not ms', true]
const ANY: Rule = [/^/, 'a string']

// Exactly the keys WeChat accepts: a signature covers only these, so any other key cannot verify.
const RULES: Record<string, Rule | undefined> = {
  timestamp: SECONDS,
  signature: [/^[0-9a-fA-F]{40}$/, '40 hex digits'],
  nonce_str: [/^[A-Za-z0-9]{0,32}$/, '≤ 32 letters/digits'],
  code: [/^[A-Za-z0-9]{0,20}$/, '≤ 20 letters/digits'],
  openid: ANY,
  outer_str: ANY,
  fixed_begintimestamp: SECONDS,
}

/** Why `value` is not acceptable as cardExt key `key`, or '' when it is (undefined counts as absent). */
export function cardExtValueError(key: string, value: unknown): string {
  const rule = RULES[key]
  if (key === 'api_ticket') return 'is a server secret: sign on the server, never send it'
  if (!rule) return 'is not a cardExt key'
  return value === undefined || ((typeof value === 'string' || (rule[2] && typeof value === 'number')) && rule[0].test(String(value)))
    ? ''
    : 'must be ' + rule[1]
}
