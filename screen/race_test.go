//go:build race

package screen_test

// raceEnabled reports whether the race detector is on; it makes sync.Pool
// drop items on purpose, so allocation counts mean nothing.
const raceEnabled = true
