// The cardExt keys WeChat accepts and what each value must look like. Shared by the client validator, the
// server toolkit's cardExt builder and the card-platform simulator, so all three judge a cardExt alike. No wx here.

/** What a value must match, what it must be (in words), and 'number' when a number is allowed too (checked as its decimal string). */
type Rule = [RegExp, string, 'number'?]

// At most 10 digits: a 13-digit millisecond timestamp is the usual mistake.
const SECONDS: Rule = [/^\d{1,10}$/, 'integer seconds, not ms', 'number']
const ANY: Rule = [/^/, 'a string']
/** Up to `max` ASCII letters or digits (the i flag folds ASCII only here: no u flag). */
const alnum = (max: number): Rule => [new RegExp(`^[a-z\\d]{0,${max}}$`, 'i'), `≤ ${max} letters/digits`]

// Exactly the keys WeChat accepts: a signature covers only these, so any other key cannot verify.
const RULES: Record<string, Rule | undefined> = {
  timestamp: SECONDS,
  signature: [/^[\da-f]{40}$/i, '40 hex digits'],
  nonce_str: alnum(32),
  code: alnum(20),
  openid: ANY,
  outer_str: ANY,
  fixed_begintimestamp: SECONDS,
}

/** Why `value` is not acceptable as cardExt key `key`, or '' when it is (undefined counts as absent). */
export function cardExtValueError(key: string, value: unknown): string {
  const rule = RULES[key]
  if (key === 'api_ticket') return 'is a server secret: sign on the server, never send it'
  if (!rule) return 'is not a cardExt key'
  return value === undefined || ((typeof value === 'string' || typeof value === rule[2]) && rule[0].test(String(value)))
    ? ''
    : 'must be ' + rule[1]
}
