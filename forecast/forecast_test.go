package forecast_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/forecast"
)

func TestTQuantile(t *testing.T) {
	tests := []struct {
		p    float64
		df   int
		want float64
	}{
		{0.975, 1, 12.706204736},
		{0.95, 1, 6.313751515},
		{0.95, 5, 2.015048373},
		{0.975, 10, 2.228138852},
		{0.9, 30, 1.310415025},
		{0.995, 3, 5.840909310},
		{0.95, 1000, 1.646379116},
	}
	for _, tt := range tests {
		if got := forecast.TQuantile(tt.p, tt.df); math.Abs(got-tt.want) > 1e-6*tt.want {
			t.Errorf("TQuantile(%g, %d) = %.9f, want %.9f", tt.p, tt.df, got, tt.want)
		}
	}
}

// series returns points (x, f(x) + noise) with normal noise of the given
// standard deviation from a fixed seed; transform maps the noisy value (for
// a logistic series, from logit space into [0, 1]).
func series(xs []float64, f func(float64) float64, sd float64, seed uint64) []forecast.Point {
	rng := rand.New(rand.NewPCG(seed, 7))
	pts := make([]forecast.Point, len(xs))
	for i, x := range xs {
		pts[i] = forecast.Point{X: x, Y: f(x) + sd*rng.NormFloat64()}
	}
	return pts
}

func span(from, to, step float64) []float64 {
	var xs []float64
	for x := from; x <= to+step/2; x += step {
		xs = append(xs, x)
	}
	return xs
}

func sigmoid(v float64) float64 { return 1 / (1 + math.Exp(-v)) }

func pow10(xs []float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Pow(10, x)
	}
	return out
}

func logisticSeries(logC []float64, a, b, sd float64, seed uint64) []forecast.Point {
	rng := rand.New(rand.NewPCG(seed, 7))
	pts := make([]forecast.Point, len(logC))
	for i, l := range logC {
		pts[i] = forecast.Point{X: math.Pow(10, l), Y: sigmoid(a + b*l + sd*rng.NormFloat64())}
	}
	return pts
}

func TestKnownCrossing(t *testing.T) {
	lin := forecast.DefaultConfig()
	logX := lin
	logX.Scale = forecast.Log10
	logistic := logX
	logistic.Model = forecast.Logistic
	down := lin
	down.Decreasing = true
	mean := lin
	mean.Interval = forecast.Mean
	tests := []struct {
		name      string
		points    []forecast.Point
		threshold float64
		config    forecast.Config
		truth     float64
		tol       float64 // on x, or on log10 x when logTol
		logTol    bool
	}{
		{
			name:   "linear in checkpoint index",
			points: series(span(1, 10, 1), func(x float64) float64 { return 0.1 + 0.05*x }, 0.01, 1),
			// 0.1 + 0.05x = 0.8 at x = 14
			threshold: 0.8, config: lin, truth: 14, tol: 1,
		},
		{
			name:      "linear, mean interval",
			points:    series(span(1, 10, 1), func(x float64) float64 { return 0.1 + 0.05*x }, 0.01, 1),
			threshold: 0.8, config: mean, truth: 14, tol: 1,
		},
		{
			name:   "linear in log10 of training compute",
			points: series(pow10(span(22, 25, 0.25)), func(c float64) float64 { return -2.3 + 0.12*math.Log10(c) }, 0.01, 3),
			// -2.3 + 0.12·26 = 0.82
			threshold: 0.82, config: logX, truth: 1e26, tol: 0.2, logTol: true,
		},
		{
			name:   "sigmoid in log10 compute, fitted in logit space",
			points: logisticSeries(span(22, 24.5, 0.25), -30, 1.25, 0.1, 4),
			// logit(0.9) = 2.1972; (30 + 2.1972)/1.25 = 25.7578
			threshold: 0.9, config: logistic, truth: math.Pow(10, (30+math.Log(9))/1.25), tol: 0.2, logTol: true,
		},
		{
			name:   "decreasing refusal rate crossing 0.5 from above",
			points: series(span(1, 8, 1), func(x float64) float64 { return 0.95 - 0.04*x }, 0.01, 5),
			// 0.95 - 0.04x = 0.5 at x = 11.25
			threshold: 0.5, config: down, truth: 11.25, tol: 1,
		},
		{
			name:   "time in fractional years",
			points: series(span(2023, 2025.5, 0.25), func(x float64) float64 { return 0.2 + 0.1*(x-2023) }, 0.01, 6),
			// 0.2 + 0.1(x - 2023) = 0.6 at 2027
			threshold: 0.6, config: lin, truth: 2027, tol: 0.5,
		},
		{
			name:   "slope just significant two-sided (t = 2.8): wide but bounded",
			points: withT(2.8),
			// the residuals leave the slope exact: 0.1 + b·x = 0.3
			threshold: 0.3, config: lin, truth: 0.2 / (2.8 * 0.01 / math.Sqrt(3)), tol: 1e-9,
		},
		{
			name:      "noiseless line: a point interval at the truth",
			points:    []forecast.Point{{1, 0.2}, {2, 0.3}, {3, 0.4}, {4, 0.5}},
			threshold: 0.75, config: lin, truth: 6.5, tol: 1e-9,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := forecast.Estimate(tt.points, tt.threshold, tt.config)
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != forecast.OK {
				t.Fatalf("Estimate = %v (%s), want OK", f.Status, f.Reason)
			}
			est, truth := f.Crossing, tt.truth
			if tt.logTol {
				est, truth = math.Log10(est), math.Log10(truth)
			}
			if math.Abs(est-truth) > tt.tol {
				t.Errorf("Crossing = %g, want %g ± %g", f.Crossing, tt.truth, tt.tol)
			}
			if !(f.Low <= tt.truth && tt.truth <= f.High) {
				t.Errorf("interval [%g, %g] does not contain the true crossing %g", f.Low, f.High, tt.truth)
			}
			if !(f.Low <= f.Crossing && f.Crossing <= f.High) {
				t.Errorf("interval [%g, %g] does not contain the estimate %g", f.Low, f.High, f.Crossing)
			}
			if f.N != len(tt.points) || f.R2 < 0.5 || f.Method == "" || f.Reason != "" {
				t.Errorf("N = %d, R2 = %g, Method = %q, Reason = %q", f.N, f.R2, f.Method, f.Reason)
			}
		})
	}
}

// residuals is orthogonal to both 1 and x = 1..5, so y = a + b·x + c·residuals
// has slope exactly b and a slope t statistic of b·√3/c on 3 degrees of
// freedom.
var residuals = []float64{1, -2, 0, 2, -1}

func withT(tStat float64) []forecast.Point {
	const c = 0.01
	b := tStat * c / math.Sqrt(3)
	pts := make([]forecast.Point, 5)
	for i := range pts {
		x := float64(i + 1)
		pts[i] = forecast.Point{X: x, Y: 0.1 + b*x + c*residuals[i]}
	}
	return pts
}

func TestNoForecast(t *testing.T) {
	lin := forecast.DefaultConfig()
	rng := rand.New(rand.NewPCG(42, 7))
	noise := make([]forecast.Point, 12)
	for i := range noise {
		noise[i] = forecast.Point{X: float64(i + 1), Y: 0.3 + 0.1*rng.NormFloat64()}
	}
	tests := []struct {
		name      string
		points    []forecast.Point
		threshold float64
		status    forecast.Status
		reason    string
	}{
		{"no points", nil, 0.5, forecast.TooFewPoints, "fewer than 3 points"},
		{"two points", []forecast.Point{{1, 0.1}, {2, 0.2}}, 0.5, forecast.TooFewPoints, "fewer than 3 points"},
		{"flat", series(span(1, 10, 1), func(float64) float64 { return 0.3 }, 0.01, 9), 0.5, forecast.NoTrend, "no upward trend (slope not significantly positive"},
		{"exactly flat", []forecast.Point{{1, 0.3}, {2, 0.3}, {3, 0.3}}, 0.5, forecast.NoTrend, "no upward trend"},
		{"decreasing", series(span(1, 10, 1), func(x float64) float64 { return 0.6 - 0.03*x }, 0.01, 10), 0.8, forecast.NoTrend, "no upward trend"},
		{"pure noise", noise, 0.9, forecast.NoTrend, "no upward trend"},
		{"positive but not significant slope (t = 1.5)", withT(1.5), 0.5, forecast.NoTrend, "t = 1.50, needs 1.64 at 90%"},
		{"significant one-sided only (t = 2.0): unbounded", withT(2.0), 0.3, forecast.Unbounded, "noisy: interval unbounded (slope t = 2.00 is below 2.35"},
		{"already above", []forecast.Point{{1, 0.2}, {2, 0.55}, {3, 0.4}, {4, 0.6}}, 0.5, forecast.AlreadyCrossed, "already above the threshold at x=2 (y=0.55)"},
		{"all at one checkpoint", []forecast.Point{{5, 0.1}, {5, 0.2}, {5, 0.3}}, 0.5, forecast.NoSpread, "all points at x=5"},
		{"crossing far beyond the data", series(span(1, 10, 1), func(x float64) float64 { return 0.1 + 0.001*x }, 0.0001, 11), 0.9, forecast.TooFar, "crossing beyond 10x the observed range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := forecast.Estimate(tt.points, tt.threshold, lin)
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tt.status || !strings.Contains(f.Reason, tt.reason) {
				t.Errorf("Estimate = %v %q, want %v %q", f.Status, f.Reason, tt.status, tt.reason)
			}
			if f.Crossing != 0 || f.Low != 0 || f.High != 0 {
				t.Errorf("Estimate without a forecast set Crossing %g [%g, %g]", f.Crossing, f.Low, f.High)
			}
		})
	}
	// The decreasing case of the same checks, seen from above.
	down := lin
	down.Decreasing = true
	f, _ := forecast.Estimate(series(span(1, 10, 1), func(x float64) float64 { return 0.2 + 0.03*x }, 0.01, 12), 0.1, down)
	if f.Status != forecast.NoTrend || !strings.Contains(f.Reason, "no downward trend (slope not significantly negative") {
		t.Errorf("rising series, decreasing config: %v %q", f.Status, f.Reason)
	}
	f, _ = forecast.Estimate([]forecast.Point{{1, 0.9}, {2, 0.4}, {3, 0.3}}, 0.5, down)
	if f.Status != forecast.AlreadyCrossed || !strings.Contains(f.Reason, "already below the threshold at x=2") {
		t.Errorf("already below: %v %q", f.Status, f.Reason)
	}
}

func TestInvalid(t *testing.T) {
	logistic := forecast.DefaultConfig()
	logistic.Model = forecast.Logistic
	logX := forecast.DefaultConfig()
	logX.Scale = forecast.Log10
	badLevel := forecast.DefaultConfig()
	badLevel.Level = 1
	ok := []forecast.Point{{1, 0.1}, {2, 0.2}, {3, 0.3}}
	tests := []struct {
		name      string
		points    []forecast.Point
		threshold float64
		config    forecast.Config
		msg       string
	}{
		{"NaN y", []forecast.Point{{1, 0.1}, {2, math.NaN()}}, 0.5, forecast.DefaultConfig(), "forecast: point 1: (2, NaN) not finite"},
		{"infinite x", []forecast.Point{{math.Inf(1), 0.1}}, 0.5, forecast.DefaultConfig(), "forecast: point 0:"},
		{"zero compute on log scale", []forecast.Point{{1e24, 0.1}, {0, 0.2}}, 0.5, logX, "forecast: point 1: x = 0: log10 scale needs x > 0"},
		{"y above 1 for logistic", []forecast.Point{{1, 0.1}, {2, 1.2}}, 0.5, logistic, "point 1: y = 1.2: logistic model needs y in [0, 1]"},
		{"threshold 1 for logistic", ok, 1, logistic, "threshold 1 not in (0, 1)"},
		{"NaN threshold", ok, math.NaN(), forecast.DefaultConfig(), "threshold NaN not finite"},
		{"level 1", ok, 0.5, badLevel, "level 1 not in (0, 1)"},
		{"zero config", ok, 0.5, forecast.Config{}, "level 0 not in (0, 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := forecast.Estimate(tt.points, tt.threshold, tt.config)
			var e *forecast.Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Estimate error = %v, want an *Error containing %q", err, tt.msg)
			}
		})
	}
}

// TestProperties checks, over many random series, that the interval
// contains the estimate, that the mean interval lies inside the prediction
// interval, and that the input order does not matter.
func TestProperties(t *testing.T) {
	pred := forecast.DefaultConfig()
	mean := pred
	mean.Interval = forecast.Mean
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 99))
		n := 3 + rng.IntN(15)
		slope, sd := rng.Float64()*0.1, rng.Float64()*0.05
		pts := series(span(1, float64(n), 1), func(x float64) float64 { return slope * x }, sd, seed)
		threshold := 1 + rng.Float64()
		p, err1 := forecast.Estimate(pts, threshold, pred)
		m, err2 := forecast.Estimate(pts, threshold, mean)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if p.Status != m.Status || p.Crossing != m.Crossing {
			t.Errorf("seed %d: prediction %v %g, mean %v %g", seed, p.Status, p.Crossing, m.Status, m.Crossing)
		}
		if p.Status == forecast.OK {
			if !(p.Low <= p.Crossing && p.Crossing <= p.High) {
				t.Errorf("seed %d: estimate %g outside [%g, %g]", seed, p.Crossing, p.Low, p.High)
			}
			if !(p.Low <= m.Low+1e-9 && m.High <= p.High+1e-9) {
				t.Errorf("seed %d: mean interval [%g, %g] not inside prediction interval [%g, %g]", seed, m.Low, m.High, p.Low, p.High)
			}
		}
		rng.Shuffle(len(pts), func(i, j int) { pts[i], pts[j] = pts[j], pts[i] })
		if q, _ := forecast.Estimate(pts, threshold, pred); q.Status != p.Status || math.Abs(q.Crossing-p.Crossing) > 1e-9*math.Abs(p.Crossing) {
			t.Errorf("seed %d: shuffled input gives %v %g, want %v %g", seed, q.Status, q.Crossing, p.Status, p.Crossing)
		}
	}
}

// TestMoreNoiseWiderInterval scales one residual pattern by growing factors:
// the estimate stays, the interval widens.
func TestMoreNoiseWiderInterval(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 5))
		e := make([]float64, 10)
		for i := range e {
			e[i] = rng.NormFloat64()
		}
		width := 0.0
		for _, sd := range []float64{0.001, 0.002, 0.004, 0.008, 0.016} {
			pts := make([]forecast.Point, len(e))
			for i := range pts {
				x := float64(i + 1)
				pts[i] = forecast.Point{X: x, Y: 0.1 + 0.05*x + sd*e[i]}
			}
			f, err := forecast.Estimate(pts, 0.8, forecast.DefaultConfig())
			if err != nil || f.Status != forecast.OK {
				t.Fatalf("seed %d, sd %g: %v %v %s", seed, sd, err, f.Status, f.Reason)
			}
			if w := f.High - f.Low; !(w > width) {
				t.Errorf("seed %d: sd %g gives width %g, not wider than %g", seed, sd, w, width)
			} else {
				width = w
			}
		}
	}
}

// TestCoverage checks that the intervals are calibrated: over repeated
// noisy series from one true line, the mean interval contains the true
// crossing about Level of the time, and the prediction interval at least
// that often.
func TestCoverage(t *testing.T) {
	const trials = 1000
	truth := 14.0
	pred := forecast.DefaultConfig()
	mean := pred
	mean.Interval = forecast.Mean
	var inMean, inPred, ok int
	for seed := range uint64(trials) {
		pts := series(span(1, 10, 1), func(x float64) float64 { return 0.1 + 0.05*x }, 0.03, 1000+seed)
		m, _ := forecast.Estimate(pts, 0.8, mean)
		p, _ := forecast.Estimate(pts, 0.8, pred)
		if m.Status != forecast.OK {
			continue
		}
		ok++
		if m.Low <= truth && truth <= m.High {
			inMean++
		}
		if p.Low <= truth && truth <= p.High {
			inPred++
		}
	}
	cm, cp := float64(inMean)/float64(ok), float64(inPred)/float64(ok)
	if ok < trials*95/100 || cm < 0.87 || cm > 0.93 || cp < 0.9 {
		t.Errorf("%d of %d forecasts; coverage mean %.3f (want 0.90 ± 0.03), prediction %.3f (want >= 0.90)", ok, trials, cm, cp)
	}
}
