package cdx

import "testing"

// UseAVX2 lets the external tests turn the AVX2 scan off.
var UseAVX2 = &useAVX2

// TestQuoteScanSSE2 runs TestQuoteScan with the SSE2 scan when the AVX2
// one is in use, so that both are tested.
func TestQuoteScanSSE2(t *testing.T) {
	if !useAVX2 {
		t.Skip("the SSE2 scan is the one in use: TestQuoteScan tests it")
	}
	useAVX2 = false
	defer func() { useAVX2 = true }()
	TestQuoteScan(t)
}
