//go:build amd64

package cdx

// scanModes are the ways fastFields.scan can work: set sets one and
// returns a function that restores the default.
var scanModes = []struct {
	name string
	set  func() func()
}{
	{"default", func() func() { return setScan(useBMI1, useAVX2) }}, // AVX2 if the processor has it
	{"sse2", func() func() { return setScan(useBMI1, false) }},
	{"go", func() func() { return setScan(false, false) }},
}

func setScan(bmi1, avx2 bool) func() {
	b, a := useBMI1, useAVX2
	useBMI1, useAVX2 = bmi1, avx2
	return func() { useBMI1, useAVX2 = b, a }
}

// scanDecides reports whether scan checks the shape itself.
func scanDecides() bool { return useBMI1 }
