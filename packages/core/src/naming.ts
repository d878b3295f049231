/** `BlogPost` → `blog_post`, `pubDate` → `pub_date`, as Django names tables and columns. */
export const snakeCase = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()

/** `BlogPost` → `blogPost`: the reverse query name of a model. */
export const lowerCamel = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1)

/** Django's alias rule: no quotes, semicolons, comments or whitespace in a user-given alias. */
const FORBIDDEN_ALIAS = /['`"\]\[;\s]|--|\/\*|\*\//
export const isSafeAlias = (alias: string): boolean => alias.length > 0 && !FORBIDDEN_ALIAS.test(alias)
