// The postgres backend for the suite: registered here once @fjord/postgres exists.
export {}
