// Oracle limits identifiers to 30 bytes before 12.2 and 128 bytes from 12.2 on.
// Generated names (indexes, constraints, m2m tables) must shrink the same way on
// every run, or migrations would see a different name each time.

export const ORACLE_LEGACY_IDENTIFIER_LENGTH = 30
export const ORACLE_IDENTIFIER_LENGTH = 128

const encoder = new TextEncoder()

// FNV-1a, 32-bit: tiny, dependency-free and stable across platforms and Node versions.
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5
  for (const byte of encoder.encode(text)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

function byteLength(text: string): number {
  return encoder.encode(text).length
}

/**
 * Returns `name` unchanged when it fits in `maxLength` bytes; otherwise keeps
 * a prefix and appends `hashLength` hex digits of a hash of the whole name, in
 * the manner of Django's `truncate_name`. The limit is counted in UTF-8 bytes
 * because that is how Oracle counts it.
 */
export function shortenIdentifier(name: string, maxLength = ORACLE_LEGACY_IDENTIFIER_LENGTH, hashLength = 4): string {
  if (!Number.isInteger(maxLength) || maxLength <= hashLength) {
    throw new RangeError(`maxLength must be an integer greater than hashLength (${hashLength})`)
  }
  if (hashLength < 1 || hashLength > 8) throw new RangeError('hashLength must be between 1 and 8')
  if (byteLength(name) <= maxLength) return name
  const hash = fnv1a32(name).toString(16).padStart(8, '0').slice(0, hashLength)
  // Cut by code point so a multi-byte character is never split.
  let prefix = ''
  let used = 0
  for (const ch of name) {
    const size = byteLength(ch)
    if (used + size > maxLength - hashLength) break
    prefix += ch
    used += size
  }
  return prefix + hash
}

/** Upper-cases a name the way Oracle folds unquoted identifiers. */
export function upperIdentifier(name: string): string {
  return name.toUpperCase()
}

/**
 * A quoted identifier as Fjord's Oracle compiler writes it: shortened to `maxLength`
 * bytes when given (so DDL and queries agree on long names), embedded quotes doubled.
 */
export function quoteIdentifier(name: string, maxLength?: number): string {
  const short = maxLength === undefined ? name : shortenIdentifier(name, maxLength)
  return `"${short.replace(/"/g, '""')}"`
}
