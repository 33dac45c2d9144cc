//go:build !amd64

package cdx

// scanModes are the ways fastFields.scan can work: set sets one and
// returns a function that restores the default.
var scanModes = []struct {
	name string
	set  func() func()
}{
	{"go", func() func() { return func() {} }},
}

// scanDecides reports whether scan checks the shape itself.
func scanDecides() bool { return true }
