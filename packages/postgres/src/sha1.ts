// SHA-1 in SQL. PostgreSQL has md5() and sha256() built in, but SHA-1 only through the pgcrypto
// extension; this computes it with a recursive query instead (FIPS 180-4: 80 rounds per 64-byte
// block over 32-bit words held in bigints), so SHA1() needs no extension. NULL gives NULL.
import type { Sql } from '@fjord/core'
import { sql } from 'kysely'

const M = sql.raw('4294967295')
/** `x` rotated left by `n` bits, as a 32-bit word. */
const rotl = (x: Sql, n: number): Sql => sql`(((${x} << ${sql.raw(String(n))}) | (${x} >> ${sql.raw(String(32 - n))})) & ${M})`
/** The big-endian word at byte offset `o` of `p`. */
const word = (p: Sql, o: Sql): Sql =>
  sql`((get_byte(${p}, ${o})::bigint << 24) | (get_byte(${p}, ${o} + 1) << 16) | (get_byte(${p}, ${o} + 2) << 8) | get_byte(${p}, ${o} + 3))`

const H = ['1732584193', '4023233417', '2562383102', '271733878', '3285377520'].map((h) => sql.raw(`${h}::bigint`))

/** The SHA-1 of a text's UTF-8 bytes as 40 lowercase hexadecimal digits. */
export const sha1Sql = (text: Sql): Sql => {
  const [a, b, c, d, e] = ['r.a', 'r.b', 'r.c', 'r.d', 'r.e'].map(sql.raw)
  const t = sql.raw('k.t')
  // The message, a 1 bit, zeros to 56 bytes modulo 64, and the length in bits as 8 bytes.
  const padded = sql`SELECT b || '\\x80'::bytea || decode(repeat('00', ((55 - length(b)) % 64 + 64) % 64), 'hex') || decode(lpad(to_hex(length(b)::bigint * 8), 16, '0'), 'hex') FROM (SELECT convert_to(${text}, 'UTF8') AS b) z`
  // The schedule: the block's 16 words, then each a rotation of four earlier ones (a rolling window of 16).
  const w = (back: number) => sql.raw(`r.w[(k.t - ${back}) % 16 + 1]`)
  const schedule = sql`CASE WHEN ${t} < 16 THEN ${word(sql.raw('m.p'), sql.raw('k.o + k.t * 4'))} ELSE (SELECT ${rotl(sql.raw('v'), 1)} FROM (SELECT ${w(3)} # ${w(8)} # ${w(14)} # r.w[k.t % 16 + 1] AS v) q) END`
  const f = sql`CASE WHEN ${t} < 20 THEN (${b} & ${c}) | ((${b} # ${M}) & ${d}) WHEN ${t} < 40 OR ${t} >= 60 THEN ${b} # ${c} # ${d} ELSE (${b} & ${c}) | (${b} & ${d}) | (${c} & ${d}) END`
  const k = sql`CASE WHEN ${t} < 20 THEN 1518500249 WHEN ${t} < 40 THEN 1859775393 WHEN ${t} < 60 THEN 2400959708 ELSE 3395469782 END`
  // After the 80th round of a block, the block's result is added to the hash and starts the next.
  const next = (h: string, v: Sql) => sql`CASE WHEN ${t} = 79 THEN (${sql.raw(h)} + ${v}) & ${M} ELSE ${v} END`
  const keep = (h: string, v: Sql) => sql`CASE WHEN ${t} = 79 THEN (${sql.raw(h)} + ${v}) & ${M} ELSE ${sql.raw(h)} END`
  const rounds = sql`SELECT r.i + 1,
    ${keep('r.h0', sql.raw('n.a'))}, ${keep('r.h1', a)}, ${keep('r.h2', sql.raw('n.c'))}, ${keep('r.h3', c)}, ${keep('r.h4', d)},
    ${next('r.h0', sql.raw('n.a'))}, ${next('r.h1', a)}, ${next('r.h2', sql.raw('n.c'))}, ${next('r.h3', c)}, ${next('r.h4', d)},
    r.w[1:k.t % 16] || x.wt || r.w[k.t % 16 + 2:16]
    FROM r CROSS JOIN m
    CROSS JOIN LATERAL (SELECT r.i % 80 AS t, r.i / 80 * 64 AS o) k
    CROSS JOIN LATERAL (SELECT ${schedule} AS wt) x
    CROSS JOIN LATERAL (SELECT (${rotl(a, 5)} + ${f} + ${e} + ${k} + x.wt) & ${M} AS a, ${rotl(b, 30)} AS c) n
    WHERE r.i < length(m.p) / 64 * 80`
  const hex = (h: string) => sql`lpad(to_hex(${sql.raw(h)}), 8, '0')`
  return sql`(WITH RECURSIVE m(p) AS (${padded}),
    r(i, h0, h1, h2, h3, h4, a, b, c, d, e, w) AS (SELECT 0, ${sql.join(H)}, ${sql.join(H)}, array_fill(0::bigint, ARRAY[16]) UNION ALL ${rounds})
    SELECT ${hex('h0')} || ${hex('h1')} || ${hex('h2')} || ${hex('h3')} || ${hex('h4')} FROM r WHERE r.i = (SELECT length(p) / 64 * 80 FROM m))`
}
