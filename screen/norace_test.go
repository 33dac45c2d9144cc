//go:build !race

package screen_test

const raceEnabled = false
