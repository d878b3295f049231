// The questioner `makemigrations` uses at a terminal: it asks whether a field or model was renamed,
// and for a value for the rows that exist when a NOT NULL field comes without a default (Django's
// InteractiveMigrationQuestioner). Answers given as flags (--rename, --default) are taken without asking.
import { createInterface } from 'node:readline'
import type { AnyField } from '@fjord/core'
import { parseDefault, QuestionError, type Questioner } from './autodetector.js'

/** Where questions go and answers come from: one line per answer, undefined at the end of the input. */
export interface Prompter {
  ask(prompt: string): Promise<string | undefined>
  close(): void
}

/** A prompter over streams (a terminal): the prompt is written, the next line read. */
export const streamPrompter = (input: NodeJS.ReadableStream, output: { write(s: string): unknown }): Prompter => {
  let lines: AsyncIterator<string> | undefined
  let rl: ReturnType<typeof createInterface> | undefined
  return {
    async ask(prompt) {
      if (!rl) {
        rl = createInterface({ input, terminal: false })
        lines = rl[Symbol.asyncIterator]()
      }
      output.write(prompt)
      const next = await lines!.next()
      return next.done ? undefined : next.value
    },
    close() {
      rl?.close()
    },
  }
}

const CLASS_NAMES: Readonly<Record<string, string>> = {
  json: 'JSONField',
  uuid: 'UUIDField',
  url: 'URLField',
  foreignKey: 'ForeignKey',
}

/** How a field is named in a question: "a CharField", "an IntegerField", "a ForeignKey". */
export const fieldKind = (field: AnyField): string => {
  const name = CLASS_NAMES[field.type] ?? `${field.type[0]!.toUpperCase()}${field.type.slice(1)}Field`
  return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`
}

const HOW_TO_ENTER =
  "Enter the value for the rows that exist, as you would type it on the command line: a number, true or false, an ISO date ('now' for the current time), JSON for a JSON field, 'null', or text. 'exit' quits."

export interface TtyFlags {
  readonly renames?: readonly string[]
  readonly defaults?: Readonly<Record<string, string>>
}

/** A questioner that asks through `prompter`; flags answer first. */
export const ttyQuestioner = (prompter: Prompter, flags: TtyFlags = {}, write: (s: string) => void = () => undefined): Questioner => {
  const renames = new Set(flags.renames ?? [])
  const defaults = flags.defaults ?? {}

  const yesNo = async (question: string): Promise<boolean> => {
    for (;;) {
      const answer = await prompter.ask(`${question} [y/N] `)
      if (answer === undefined) return false
      const a = answer.trim().toLowerCase()
      if (a === '' || a.startsWith('n')) return false
      if (a.startsWith('y')) return true
      write("Please answer y or n.\n")
    }
  }

  const choice = async (intro: string, options: readonly string[]): Promise<number> => {
    write(`${intro}\nPlease select a fix:\n${options.map((o, i) => ` ${i + 1}) ${o}`).join('\n')}\n`)
    for (;;) {
      const answer = await prompter.ask('Select an option: ')
      if (answer === undefined) return options.length
      const n = Number(answer.trim())
      if (Number.isInteger(n) && n >= 1 && n <= options.length) return n
      write(`Please select a valid option (1-${options.length}).\n`)
    }
  }

  const value = async (field: AnyField): Promise<unknown> => {
    write(`${HOW_TO_ENTER}\n`)
    for (;;) {
      const answer = await prompter.ask('>>> ')
      if (answer === undefined || answer.trim() === 'exit') throw new QuestionError('Stopped: no value was given.')
      if (answer.trim() === '') {
        write("Please enter a value, or 'exit' to quit.\n")
        continue
      }
      try {
        return parseDefault(field, answer.trim())
      } catch (e) {
        write(`${(e as Error).message}. Try again.\n`)
      }
    }
  }

  const fromFlag = (model: string, name: string, field: AnyField): { value: unknown } | undefined => {
    const text = defaults[`${model}.${name}`]
    return text === undefined ? undefined : { value: parseDefault(field, text) }
  }

  return {
    askRenameModel: async (from, to) => renames.has(`${from}=${to}`) || (await yesNo(`Was the model ${from} renamed to ${to}?`)),
    askRenameField: async (model, from, to, field) =>
      renames.has(`${model}.${from}=${to}`) || (await yesNo(`Was ${model}.${from} renamed to ${model}.${to} (${fieldKind(field)})?`)),
    askNotNullAddition: async (model, name, field) => {
      const given = fromFlag(model, name, field)
      if (given) return given.value
      const n = await choice(
        `It is impossible to add a non-nullable field '${name}' to ${model} without a default: the database needs a value for the rows that exist.`,
        [
          'Provide a one-off default now (it is set on all existing rows)',
          'Quit, and give the field a default (or null: true) in the models',
        ],
      )
      if (n === 1) return value(field)
      throw new QuestionError(`Stopped: give ${model}.${name} a default, make it nullable, or pass --default ${model}.${name}=<value>.`)
    },
    askNotNullAlteration: async (model, name, field) => {
      const given = fromFlag(model, name, field)
      if (given) return given
      const n = await choice(
        `It is impossible to change the nullable field '${name}' on ${model} to non-nullable without a default: the rows holding NULL need a value.`,
        [
          'Provide a one-off default now (it is set on all existing rows with a null value for this column)',
          'Ignore for now: rows that hold NULL have to be handled by hand (with a runSql or runTs operation), or the migration fails on them',
          'Quit, and give the field a default in the models',
        ],
      )
      if (n === 1) return { value: await value(field) }
      if (n === 2) return undefined
      throw new QuestionError(`Stopped: give ${model}.${name} a default, or pass --default ${model}.${name}=<value>.`)
    },
  }
}
