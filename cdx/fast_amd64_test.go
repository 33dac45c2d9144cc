package cdx_test

import (
	"testing"

	"github.com/gpai-project/gpai/cdx"
)

// TestFastPathSSE2 runs TestFastPath with the SSE2 quote scan when the
// AVX2 one is in use.
func TestFastPathSSE2(t *testing.T) {
	if !*cdx.UseAVX2 {
		t.Skip("the SSE2 scan is the one in use: TestFastPath tests it")
	}
	*cdx.UseAVX2 = false
	defer func() { *cdx.UseAVX2 = true }()
	TestFastPath(t)
}
