// Migration files: what the autodetector writes loads back to the same state (nothing left to detect),
// for every field type, relation kind and Meta option; names and the graph (two heads, merges).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { F, f, model, not, or, Q, schema } from '@fjord/core'
import {
  autodetect,
  buildGraph,
  emptyState,
  flagQuestioner,
  graphState,
  hasChanges,
  loadMigrations,
  makePlan,
  MigrationError,
  MigrationGraphError,
  named,
  nextNumber,
  ops,
  QuestionError,
  stateFromModels,
  suggestName,
  writeMigration,
} from '@fjord/migrate'
import { foreignKey, manyToMany, oneToOne, SET } from '@fjord/relations'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ddlModels, validationModels } from './fixtures-write.js'

const dir = join(import.meta.dirname, '..', '..', '.tmp', `migrations-${process.pid}`)
beforeAll(() => mkdir(dir, { recursive: true }))
afterAll(() => rm(dir, { recursive: true, force: true }))

const everything = schema({
  Kind: model(
    {
      code: f.slug(),
      title: f.char({ maxLength: 40, choices: [['a', 'A'], ['b', 'B']], default: 'a' }),
      body: f.text({ blank: true, helpText: "it's \\ here" }),
      email: f.email({ null: true }),
      site: f.url({ default: 'https://example.com' }),
      n: f.integer({ default: () => 4 }),
      small: f.smallInteger({ null: true }),
      big: f.bigInteger({ default: 10n }),
      pos: f.positiveInteger({ default: 0 }),
      ratio: f.float({ null: true }),
      price: f.decimal({ maxDigits: 8, decimalPlaces: 2, default: '1.50' }),
      flag: f.boolean({ default: false }),
      day: f.date({ null: true }),
      at: f.dateTime({ autoNowAdd: true }),
      changed: f.dateTime({ autoNow: true }),
      since: f.dateTime({ default: new Date('2020-01-02T03:04:05.678Z') }),
      clock: f.time({ null: true }),
      wait: f.duration({ default: 1.5 }),
      ident: f.uuid({ unique: true }),
      data: f.json({ null: true }),
      blob: f.binary({ null: true }),
    },
    {
      ordering: ['-at', 'code'],
      dbTable: 'kinds',
      indexes: [{ fields: ['title', '-day'], name: 'kind_title_day_idx' }, { fields: ['flag'] }],
      constraints: [
        { kind: 'check', name: 'kind_price_ok', check: or(Q({ price__gte: '0' }), not({ flag: true })) },
        { kind: 'check', name: 'kind_big_gt_n', check: Q({ big__gt: F('n').add(1) }) },
        { kind: 'unique', name: 'kind_title_code_uniq', fields: ['title', 'code'], condition: { flag: true } },
      ],
    },
  ),
  Part: model(
    {
      kind: foreignKey('Kind', { onDelete: 'PROTECT', relatedName: 'parts' }),
      spare: foreignKey('Kind', { onDelete: SET(null), null: true, relatedName: 'spares', dbConstraint: false }),
      fallback: foreignKey('Kind', { onDelete: 'SET_DEFAULT', default: 1, relatedName: '+' }),
      twin: oneToOne('Part', { onDelete: 'CASCADE', null: true, relatedName: 'twinOf' }),
      parent: foreignKey('self', { onDelete: 'CASCADE', null: true }),
      tags: manyToMany('Label', { relatedName: 'parts' }),
      friends: manyToMany('self'),
      code: f.char({ maxLength: 10, dbColumn: 'part_code' }),
    },
    { uniqueTogether: [['kind', 'code']] },
  ),
  Label: model({ name: f.char({ maxLength: 10 }) }),
  Membership: model({ part: foreignKey('Part', { onDelete: 'CASCADE' }), group: foreignKey('Group', { onDelete: 'CASCADE' }) }),
  Group: model({ members: manyToMany('Part', { through: 'Membership', throughFields: ['group', 'part'] }) }),
})

/** Write migrations as files, load them back. */
const roundTrip = async (sub: string, migrations: readonly { name: string; dependencies: readonly string[]; operations: readonly unknown[] }[]) => {
  const folder = join(dir, sub)
  await mkdir(folder, { recursive: true })
  for (const m of migrations) await writeFile(join(folder, `${m.name}.ts`), writeMigration(m as never))
  return { folder, loaded: await loadMigrations(folder) }
}

describe('migration files', () => {
  it('write every field type, relation kind and Meta option, and load back to the same state', async () => {
    const state = stateFromModels(everything)
    const operations = await autodetect(emptyState, state, flagQuestioner())
    const { folder, loaded } = await roundTrip('everything', [{ name: '0001_initial', dependencies: [], operations }])
    expect(hasChanges(graphState(buildGraph(loaded)), state)).toBe(false)
    const text = await readFile(join(folder, '0001_initial.ts'), 'utf8')
    expect(text).toContain("import { f, F, not, or, Q, Value } from '@fjord/core'")
    expect(text).toContain("import { callableDefault, migration, ops } from '@fjord/migrate'")
    expect(text).toContain("import { foreignKey, manyToMany, oneToOne, SET } from '@fjord/relations'")
    expect(text).toContain("code: f.slug({ maxLength: 50, dbIndex: true }),")
    expect(text).toContain('n: f.integer({ default: callableDefault }),')
    expect(text).toContain("since: f.dateTime({ default: new Date('2020-01-02T03:04:05.678Z') }),")
    expect(text).toContain("check: or(Q({ price__gte: '0' }), not(Q({ flag: true })))")
    expect(text).toContain("check: Q({ big__gt: F('n').add(Value(1)) })")
    expect(text).toContain("spare: foreignKey('Kind', { onDelete: SET(null), null: true, relatedName: 'spares', dbConstraint: false }),")
    expect(text).toContain("twin: oneToOne('Part', { onDelete: 'CASCADE', null: true, relatedName: 'twinOf' }),")
    // Many-to-manys come after every model exists.
    expect(operations.map((o) => o.kind)).toEqual(['createModel', 'createModel', 'createModel', 'createModel', 'createModel', 'addField', 'addField', 'addField'])
  })

  it('the other fixtures round-trip too, and a second version writes only the change', async () => {
    for (const [i, models] of [ddlModels, validationModels].entries()) {
      const state = stateFromModels(models)
      const { loaded } = await roundTrip(`fixture${i}`, [{ name: '0001_initial', dependencies: [], operations: await autodetect(emptyState, state, flagQuestioner()) }])
      expect(hasChanges(graphState(buildGraph(loaded)), state)).toBe(false)
    }
    const a = schema({ Post: model({ title: f.char({ maxLength: 10 }) }) })
    const b = schema({ Post: model({ title: f.char({ maxLength: 20 }), when: f.dateTime({ autoNowAdd: true }) }) })
    const first = await autodetect(emptyState, stateFromModels(a), flagQuestioner())
    const second = await autodetect(stateFromModels(a), stateFromModels(b), flagQuestioner())
    expect(second.map((o) => o.kind)).toEqual(['addField', 'alterField'])
    // The rows that exist get the time the migration was made.
    expect((second[0] as { oneOffDefault?: unknown }).oneOffDefault).toBeInstanceOf(Date)
    const { loaded } = await roundTrip('second', [
      { name: '0001_initial', dependencies: [], operations: first },
      { name: '0002_post_when', dependencies: ['0001_initial'], operations: second },
    ])
    expect(hasChanges(graphState(buildGraph(loaded)), stateFromModels(b))).toBe(false)
    expect(suggestName(second, false)).toBe('post_when_alter_post_title')
    expect(suggestName(first, true)).toBe('initial')
    expect(nextNumber(loaded)).toBe('0003')
  })

  it('asks before renaming, and refuses a NOT NULL field without a value for the rows', async () => {
    const a = schema({ Post: model({ title: f.char({ maxLength: 10 }) }) })
    const b = schema({ Post: model({ headline: f.char({ maxLength: 10 }) }) })
    const asked: string[] = []
    const yes = await autodetect(stateFromModels(a), stateFromModels(b), {
      ...flagQuestioner(),
      askRenameField: (m, from, to) => {
        asked.push(`${m}.${from}=${to}`)
        return true
      },
    })
    expect(asked).toEqual(['Post.title=headline'])
    expect(yes).toEqual([ops.renameField('Post', 'title', 'headline')])
    const no = await autodetect(stateFromModels(a), stateFromModels(b), flagQuestioner({ defaults: { 'Post.headline': 'x' } }))
    expect(no.map((o) => o.kind)).toEqual(['removeField', 'addField'])
    const c = schema({ Post: model({ title: f.char({ maxLength: 10 }), score: f.integer() }) })
    await expect(autodetect(stateFromModels(a), stateFromModels(c), flagQuestioner())).rejects.toThrow(QuestionError)
    await expect(autodetect(stateFromModels(a), stateFromModels(c), flagQuestioner())).rejects.toThrow(/--default Post.score=<value>/)
    const given = await autodetect(stateFromModels(a), stateFromModels(c), flagQuestioner({ defaults: { 'Post.score': '7' } }))
    expect(given).toEqual([ops.addField('Post', 'score', f.integer(), { oneOffDefault: 7 })])
  })

  it('finds two heads, plans a merge, and refuses unknown dependencies and cycles', () => {
    const m = (name: string, deps: string[]) => named(name, { dependencies: deps, operations: [] })
    const graph = buildGraph([m('0001_a', []), m('0002_b', ['0001_a']), m('0002_c', ['0001_a'])])
    expect(graph.leaves).toEqual(['0002_b', '0002_c'])
    expect(() => makePlan(graph, new Set(), undefined)).toThrow(MigrationError)
    expect(() => makePlan(graph, new Set(), undefined)).toThrow(/makemigrations --merge/)
    const merged = buildGraph([...graph.ordered, m('0003_merge', ['0002_b', '0002_c'])])
    expect(merged.leaves).toEqual(['0003_merge'])
    expect(makePlan(merged, new Set(['0001_a']), undefined).map((s) => s.migration.name)).toEqual(['0002_b', '0002_c', '0003_merge'])
    expect(makePlan(merged, new Set(['0001_a', '0002_b', '0002_c', '0003_merge']), '0002_b').map((s) => [s.migration.name, s.backwards])).toEqual([
      ['0003_merge', true],
      ['0002_c', true],
    ])
    expect(() => buildGraph([m('0001_a', ['0009_x'])])).toThrow(MigrationGraphError)
    expect(() => buildGraph([m('0001_a', ['0002_b']), m('0002_b', ['0001_a'])])).toThrow(/Circular dependency/)
  })
})
