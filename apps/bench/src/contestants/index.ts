// The contestants, in column order. `raw` must stay first: it is the reference every other
// contestant's results are checked against, and the baseline of the printed ratios.
import { createFjordContestant } from './fjord.js'
import { createKyselyContestant } from './kysely.js'
import { createRawContestant } from './raw.js'
import type { ContestantFactory } from './types.js'

export const contestantFactories: readonly ContestantFactory[] = [
  createRawContestant,
  createKyselyContestant,
  createFjordContestant,
]
