// The oracle backend for the suite: registered here once @fjord/oracle exists.
export {}
