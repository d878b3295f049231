// The blog's models, as DESIGN §2 defines them, plus a `views` counter to show F() updates.
import { f, model, schema } from '@fjord/core'
import { foreignKey, manyToMany } from '@fjord/relations'

export const blog = schema({
  Post: model(
    {
      title: f.char({ maxLength: 100 }),
      content: f.text(),
      pubDate: f.dateTime({ autoNowAdd: true }),
      views: f.integer({ default: 0 }),
      tags: manyToMany('Tag', { relatedName: 'posts' }),
    },
    { ordering: ['-pubDate'], str: (p) => p.title },
  ),
  Comment: model({
    post: foreignKey('Post', { onDelete: 'CASCADE' }),
    author: f.char({ maxLength: 50 }),
    text: f.text(),
    pubDate: f.dateTime({ autoNowAdd: true }),
  }),
  Tag: model({ name: f.char({ maxLength: 30, unique: true }) }),
})

export const { Post, Comment, Tag } = blog
