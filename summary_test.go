package gpai_test

import (
	"testing"

	"github.com/gpai-project/gpai"
)

// The domain rule of template 2.3 at its edges (regulation.md §5.5).
func TestDomainListLen(t *testing.T) {
	tests := []struct {
		n, general, sme int
	}{
		{0, 0, 0}, {1, 1, 1}, {7, 1, 1}, {10, 1, 1}, {11, 2, 1}, {15, 2, 1}, {20, 2, 1}, {21, 3, 2},
		{8000, 800, 400}, {19999, 2000, 1000}, {20000, 2000, 1000}, {20001, 2001, 1000}, {50000, 5000, 1000},
	}
	for _, tt := range tests {
		if got := gpai.DomainListLen(tt.n, false); got != tt.general {
			t.Errorf("DomainListLen(%d, false) = %d, want %d", tt.n, got, tt.general)
		}
		if got := gpai.DomainListLen(tt.n, true); got != tt.sme {
			t.Errorf("DomainListLen(%d, true) = %d, want %d", tt.n, got, tt.sme)
		}
	}
}

func TestBand(t *testing.T) {
	tests := []struct {
		modality string
		count    float64
		want     string
	}{
		{"text", 999e6, "small"}, {"text", 1e9, "medium"}, {"text", 1e13, "medium"}, {"text", 1.0001e13, "large"},
		{"image", 999999, "small"}, {"image", 1e6, "medium"}, {"image", 1e9, "medium"}, {"image", 2e9, "large"},
		{"audio", 9999, "small"}, {"audio", 10000, "medium"}, {"video", 1e6, "medium"}, {"video", 1.5e6, "large"},
	}
	for _, tt := range tests {
		if got, label, ok := gpai.Band(tt.modality, tt.count); !ok || got != tt.want || label == "" {
			t.Errorf("Band(%s, %g) = %q %q, want %q", tt.modality, tt.count, got, label, tt.want)
		}
	}
	if _, _, ok := gpai.Band("other", 1); ok {
		t.Error("other has no bands")
	}
}

func TestFormatCount(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", 2e12: "2 trillion", 2.5e9: "2.5 billion", 6.27e8: "627 million"} {
		if got := gpai.FormatCount(v); got != want {
			t.Errorf("FormatCount(%g) = %q, want %q", v, got, want)
		}
	}
}
