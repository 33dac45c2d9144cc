package forecast_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/gpai-project/gpai/forecast"
)

// FuzzEstimate checks that Estimate never panics and that a forecast is
// always ordered and finite, whatever the points, threshold and options.
func FuzzEstimate(f *testing.F) {
	seed := func(threshold float64, opts byte, xy ...float64) []byte {
		b := binary.LittleEndian.AppendUint64(nil, math.Float64bits(threshold))
		b = append(b, opts)
		for _, v := range xy {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	f.Add(seed(0.8, 0, 1, 0.15, 2, 0.2, 3, 0.25, 4, 0.3))
	f.Add(seed(0.9, 3, 1e22, 0.1, 1e23, 0.2, 1e24, 0.4))
	f.Add(seed(0.5, 4, 1, 0.9, 2, 0.8, 3, 0.7))
	f.Add(seed(0.3, 0, 1, 0.1, 1, 0.1, 1, 0.1))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 9 {
			return
		}
		threshold := math.Float64frombits(binary.LittleEndian.Uint64(data))
		opts := data[8]
		c := forecast.DefaultConfig()
		if opts&1 != 0 {
			c.Scale = forecast.Log10
		}
		if opts&2 != 0 {
			c.Model = forecast.Logistic
		}
		c.Decreasing = opts&4 != 0
		if opts&8 != 0 {
			c.Interval = forecast.Mean
		}
		var pts []forecast.Point
		for b := data[9:]; len(b) >= 16; b = b[16:] {
			pts = append(pts, forecast.Point{
				X: math.Float64frombits(binary.LittleEndian.Uint64(b)),
				Y: math.Float64frombits(binary.LittleEndian.Uint64(b[8:])),
			})
		}
		fc, err := forecast.Estimate(pts, threshold, c)
		if err != nil {
			return
		}
		if fc.Status == forecast.OK {
			if fc.Reason != "" || !(fc.Low <= fc.Crossing && fc.Crossing <= fc.High) || math.IsInf(fc.High, 0) || math.IsNaN(fc.Low) {
				t.Fatalf("bad forecast %+v", fc)
			}
		} else if fc.Reason == "" {
			t.Fatalf("status %v without a reason", fc.Status)
		}
	})
}
