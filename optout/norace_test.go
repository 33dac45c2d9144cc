//go:build !race

package optout_test

const raceEnabled = false
