// The mysql backend for the suite: registered here once @fjord/mysql exists.
export {}
