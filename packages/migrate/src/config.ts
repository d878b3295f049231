// The project configuration the `fjord` command reads: `fjord.config.ts` (or .js/.mjs), whose default
// export is `defineConfig({...})` — the models, where the migration files live, and how to connect.
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AnyModel, Db } from '@fjord/core'

export interface FjordConfig {
  /** The models, as `schema({...})` returns them, or a list of bound models. */
  readonly schema: readonly AnyModel[] | Readonly<Record<string, AnyModel>>
  /** The folder of migration files, relative to the config file (default `./migrations`). */
  readonly migrations?: string
  /** Opens the database; the command closes it when it is done. */
  readonly database: () => Db | Promise<Db>
  /** The name migrations are recorded under in `fjord_migrations` (default `default`). */
  readonly app?: string
}

/**
 * Declare a project's configuration, as the default export of `fjord.config.ts`.
 * @example export default defineConfig({ schema: blog, migrations: './migrations', database: () => sqlite({ filename: 'blog.db' }) })
 */
export const defineConfig = (config: FjordConfig): FjordConfig => config

/** The file names looked for, in order, when no `--config` is given. */
export const CONFIG_FILES = ['fjord.config.ts', 'fjord.config.mts', 'fjord.config.js', 'fjord.config.mjs'] as const

/** A configuration as the command uses it: paths made absolute, defaults filled in. */
export interface LoadedConfig {
  readonly file: string
  readonly schema: FjordConfig['schema']
  readonly migrationsDir: string
  readonly database: FjordConfig['database']
  readonly app: string
}

export class ConfigError extends Error {
  readonly _tag = 'ConfigError'
}

/** The config file to use: `given` (relative to `cwd`), else the first of CONFIG_FILES in `cwd`. */
export const findConfig = (cwd: string, given?: string): string => {
  if (given !== undefined) {
    const file = isAbsolute(given) ? given : resolve(cwd, given)
    if (!existsSync(file)) throw new ConfigError(`Config file ${given} does not exist`)
    return file
  }
  for (const name of CONFIG_FILES) {
    const file = resolve(cwd, name)
    if (existsSync(file)) return file
  }
  throw new ConfigError(`No ${CONFIG_FILES.join(', ')} in ${cwd} (give one with --config <path>)`)
}

/** Import a config file and check its shape. */
export const loadConfig = async (file: string): Promise<LoadedConfig> => {
  let mod: { default?: unknown }
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown }
  } catch (e) {
    throw new ConfigError(`Could not load ${file}: ${(e as Error).message}`, { cause: e })
  }
  const c = mod.default as Partial<FjordConfig> | undefined
  if (!c || typeof c !== 'object') throw new ConfigError(`${file}: the default export is not defineConfig({ schema, migrations, database })`)
  if (!c.schema || typeof c.schema !== 'object') throw new ConfigError(`${file}: 'schema' must be the result of schema({...}) or a list of models`)
  const models = Array.isArray(c.schema) ? c.schema : Object.values(c.schema)
  for (const m of models) {
    if (!m || (m as AnyModel)._tag !== 'Model') throw new ConfigError(`${file}: 'schema' holds something that is not a bound model (pass what schema({...}) returns)`)
  }
  if (c.migrations !== undefined && typeof c.migrations !== 'string') throw new ConfigError(`${file}: 'migrations' must be a folder path`)
  if (c.database !== undefined && typeof c.database !== 'function') throw new ConfigError(`${file}: 'database' must be a function returning a Db`)
  if (c.app !== undefined && (typeof c.app !== 'string' || c.app === '')) throw new ConfigError(`${file}: 'app' must be a non-empty string`)
  const database =
    c.database ??
    (() => {
      throw new ConfigError(`${file}: this command needs a database, and the config has no 'database' function`)
    })
  return {
    file,
    schema: c.schema,
    migrationsDir: resolve(dirname(file), c.migrations ?? './migrations'),
    database,
    app: c.app ?? 'default',
  }
}
