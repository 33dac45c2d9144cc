package forecast_test

import (
	"fmt"
	"math"

	"github.com/gpai-project/gpai/forecast"
)

func ExampleEstimate() {
	// Accuracy on a hazardous-knowledge probe at four checkpoints, by
	// training compute in FLOP; the next tier begins at 0.6.
	points := []forecast.Point{
		{X: 1e23, Y: 0.31}, {X: 3e23, Y: 0.36}, {X: 1e24, Y: 0.42}, {X: 3e24, Y: 0.46}, {X: 1e25, Y: 0.52},
	}
	c := forecast.DefaultConfig()
	c.Scale = forecast.Log10
	f, err := forecast.Estimate(points, 0.6, c)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Status)
	fmt.Printf("crossing at 10^%.2f FLOP, 90%% interval 10^%.2f to 10^%.2f, R² %.3f\n",
		math.Log10(f.Crossing), math.Log10(f.Low), math.Log10(f.High), f.R2)

	f, _ = forecast.Estimate(points[:2], 0.6, c)
	fmt.Println(f.Status, "-", f.Reason)
	// Output:
	// ok
	// crossing at 10^25.78 FLOP, 90% interval 10^25.64 to 10^25.93, R² 0.998
	// too few points - fewer than 3 points
}
