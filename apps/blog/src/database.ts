// Which database the demo talks to, from DATABASE_URL. SQLite needs nothing; the server backends are
// imported only when asked for, so the SQLite path never loads pg or mysql2.
import { rmSync } from 'node:fs'
import type { Db } from '@fjord/core'
import { sqlite } from '@fjord/sqlite'

export type Target =
  | { readonly kind: 'sqlite'; readonly filename: string }
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'mysql'; readonly url: string }

/** The default SQLite file, relative to the working directory. */
export const DEFAULT_FILE = './blog.db'

/**
 * Read a DATABASE_URL: unset or `sqlite:` → ./blog.db; `sqlite:<path>`, `sqlite://<path>` or a plain
 * path → that SQLite file (`:memory:` included); `postgres://…` / `postgresql://…`; `mysql://…` / `mariadb://…`.
 */
export const parseTarget = (url: string | undefined): Target => {
  const text = (url ?? '').trim()
  if (/^postgres(ql)?:\/\//i.test(text)) return { kind: 'postgres', url: text }
  if (/^(mysql|mariadb):\/\//i.test(text)) return { kind: 'mysql', url: text.replace(/^mariadb:/i, 'mysql:') }
  const path = text.replace(/^sqlite:(\/\/)?/i, '')
  return { kind: 'sqlite', filename: path === '' ? DEFAULT_FILE : path }
}

/** Where the demo runs, for the banner (never prints a password). */
export const describeTarget = (t: Target): string => {
  if (t.kind === 'sqlite') return `SQLite (${t.filename})`
  const safe = t.url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
  return `${t.kind === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB'} (${safe})`
}

// Loaded on demand: the SQLite path never loads the server drivers.
const load = async <T>(name: string, importer: () => Promise<T>): Promise<T> => {
  try {
    return await importer()
  } catch (e) {
    throw new Error(`${name} could not be loaded for this DATABASE_URL (is it built and installed?)`, { cause: e })
  }
}

/** Open a Db for the target, as it is (what `fjord migrate` uses through fjord.config.ts). */
export const open = async (t: Target): Promise<Db> => {
  switch (t.kind) {
    case 'sqlite':
      return sqlite({ filename: t.filename })
    case 'postgres': {
      const { postgres } = await load('@fjord/postgres', () => import('@fjord/postgres'))
      return postgres({ connectionString: t.url })
    }
    case 'mysql': {
      const { mysql } = await load('@fjord/mysql', () => import('@fjord/mysql'))
      return mysql({ uri: t.url })
    }
  }
}

/**
 * Open a Db for the demo. A SQLite file is removed first, so every run starts from an empty
 * database; on a server the caller drops the demo's tables instead.
 */
export const connect = async (t: Target): Promise<Db> => {
  if (t.kind === 'sqlite' && t.filename !== ':memory:')
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(t.filename + suffix, { force: true })
  return open(t)
}
