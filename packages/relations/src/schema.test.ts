// Relations in schema(): targets by name or 'self', reverse names, and the clashes Django's checks report.
import { f, FieldError, model, schema } from '@fjord/core'
import { describe, expect, it } from 'vitest'
import { foreignKey, manyToMany, oneToOne } from './index.js'

describe('relations in schema()', () => {
  it('reverse names: <model>Set and the lower camelCase name, relatedName, relatedQueryName, one-to-one, +', () => {
    const { Post } = schema({
      Post: model({ title: f.char({ maxLength: 10 }) }),
      Comment: model({ post: foreignKey('Post', { onDelete: 'CASCADE' }) }),
      Like: model({ post: foreignKey('Post', { onDelete: 'CASCADE', relatedName: 'likes', relatedQueryName: 'like' }) }),
      Cover: model({ post: oneToOne('Post', { onDelete: 'CASCADE' }) }),
      Hidden: model({ post: foreignKey('Post', { onDelete: 'CASCADE', relatedName: '+' }) }),
      BlogEntry: model({ posts: manyToMany('Post') }),
    })
    expect(Post.meta.reverse.map((r) => [r.accessor, r.queryName, r.kind])).toEqual([
      ['commentSet', 'comment', 'foreignKey'],
      ['likes', 'like', 'foreignKey'],
      ['cover', 'cover', 'oneToOne'],
      ['blogEntrySet', 'blogEntry', 'manyToMany'],
    ])
  })

  it("'self' and names resolve to the models of the schema; an unknown target is an error", () => {
    const { Node } = schema({ Node: model({ parent: foreignKey('self', { onDelete: 'CASCADE', null: true }) }) })
    expect(Node.meta.reverse.map((r) => [r.accessor, r.fromModel])).toEqual([['nodeSet', 'Node']])
    expect(() => schema({ A: model({ b: foreignKey('B', { onDelete: 'CASCADE' }) }) })).toThrow("A.b refers to model 'B', which is not in this schema.")
  })

  it('clashing reverse names are reported when the schema is defined', () => {
    expect(() =>
      schema({
        Person: model({ name: f.char({ maxLength: 10 }) }),
        Letter: model({ sender: foreignKey('Person', { onDelete: 'CASCADE' }), receiver: foreignKey('Person', { onDelete: 'CASCADE' }) }),
      }),
    ).toThrow(FieldError)
    expect(() =>
      schema({
        Person: model({ name: f.char({ maxLength: 10 }), letterSet: f.integer() }),
        Letter: model({ sender: foreignKey('Person', { onDelete: 'CASCADE' }) }),
      }),
    ).toThrow(/Reverse name 'letterSet' for Letter.sender clashes with field Person.letterSet/)
    // Distinct relatedNames settle it.
    const { Person } = schema({
      Person: model({ name: f.char({ maxLength: 10 }) }),
      Letter: model({
        sender: foreignKey('Person', { onDelete: 'CASCADE', relatedName: 'sent' }),
        receiver: foreignKey('Person', { onDelete: 'CASCADE', relatedName: 'received' }),
      }),
    })
    expect(Person.meta.reverse.map((r) => r.accessor)).toEqual(['sent', 'received'])
  })
})
