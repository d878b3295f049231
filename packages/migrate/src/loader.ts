// Loading migration files: every `NNNN_name.ts` (or .js/.mjs) module of a folder, its default export a
// `migration({...})`, named after its file (Django's MigrationLoader reading an app's migrations module).
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Migration, type MigrationSpec, named } from './graph.js'

/** A migration file's name: four digits, an underscore, a name; TypeScript or JavaScript. */
export const MIGRATION_FILE = /^(\d{4}_[\w]+)\.(ts|mts|js|mjs)$/

/** The migration files of a folder, sorted by name (none when the folder does not exist). */
export const migrationFiles = async (dir: string): Promise<{ name: string; path: string }[]> => {
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw e
  }
  const out = new Map<string, string>()
  for (const file of entries.sort()) {
    const m = MIGRATION_FILE.exec(file)
    if (m && !file.endsWith('.d.ts') && !out.has(m[1]!)) out.set(m[1]!, join(dir, file))
  }
  return [...out].map(([name, path]) => ({ name, path }))
}

/**
 * Import every migration of a folder. TypeScript files need a loader that understands them (the `fjord`
 * command registers one; vitest and tsx have their own).
 */
export const loadMigrations = async (dir: string): Promise<Migration[]> => {
  const out: Migration[] = []
  for (const { name, path } of await migrationFiles(resolve(dir))) {
    const mod = (await import(pathToFileURL(path).href)) as { default?: MigrationSpec }
    if (!mod.default || !Array.isArray(mod.default.operations)) {
      throw new Error(`${path}: the default export is not a migration({ dependencies, operations })`)
    }
    out.push(named(name, mod.default))
  }
  return out
}

/** The number the next migration file gets (`0001` for the first). */
export const nextNumber = (migrations: readonly { readonly name: string }[]): string => {
  const top = Math.max(0, ...migrations.map((m) => Number(/^(\d{4})_/.exec(m.name)?.[1] ?? 0)))
  return String(top + 1).padStart(4, '0')
}
