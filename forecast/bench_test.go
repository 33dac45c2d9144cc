package forecast_test

import (
	"testing"

	"github.com/gpai-project/gpai/forecast"
)

func BenchmarkEstimate(b *testing.B) {
	pts := logisticSeries(span(21, 25, 0.2), -30, 1.25, 0.1, 1)
	c := forecast.DefaultConfig()
	c.Scale, c.Model = forecast.Log10, forecast.Logistic
	b.ReportAllocs()
	for b.Loop() {
		if f, err := forecast.Estimate(pts, 0.9, c); err != nil || f.Status != forecast.OK {
			b.Fatal(err, f.Reason)
		}
	}
}
