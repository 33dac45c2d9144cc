package forecast

import (
	"fmt"
	"math"
	"slices"
)

// Point is one observation: a metric value Y at X (a checkpoint index,
// training compute in FLOP, or a time such as a fractional year).
type Point struct {
	X, Y float64
}

// Scale is the transformation applied to X before fitting.
type Scale int

// Scales.
const (
	Linear Scale = iota // u = x
	Log10               // u = log10(x), for training compute; x must be positive
)

// Model is the form of the fitted trend.
type Model int

// Models.
const (
	Line     Model = iota // y = a + b·u
	Logistic              // logit(y) = a + b·u, for metrics in [0, 1]
)

// Interval selects what the interval of the crossing covers.
type Interval int

// Intervals.
const (
	// Prediction covers the x at which one new observation reaches the
	// threshold: the wider, more cautious interval.
	Prediction Interval = iota
	// Mean covers the x at which the fitted mean reaches the threshold.
	Mean
)

// Config sets the method of Estimate.
type Config struct {
	Scale    Scale
	Model    Model
	Interval Interval
	// Level is the confidence level of the interval and of the slope test,
	// in (0, 1).
	Level float64
	// Horizon is how far beyond the last observation a crossing may lie, as
	// a multiple of the observed range of u (log10 x with Log10).
	Horizon float64
	// Decreasing means the threshold is crossed from above: the risk grows
	// as y falls, as for a refusal rate.
	Decreasing bool
	// Epsilon clamps y to [Epsilon, 1-Epsilon] before a logistic fit, so
	// that scores of 0 or 1 have a finite logit.
	Epsilon float64
}

// DefaultConfig returns a linear fit on x with a 90% prediction interval and
// a horizon of 10 times the observed range.
func DefaultConfig() Config {
	return Config{Scale: Linear, Model: Line, Interval: Prediction, Level: 0.9, Horizon: 10, Epsilon: 0.005}
}

// Status says whether Estimate could forecast the crossing.
type Status int

// Statuses. Every status but OK comes with a Reason.
const (
	OK             Status = iota // Crossing, Low and High hold the forecast
	TooFewPoints                 // fewer than 3 points
	NoSpread                     // all points share one x
	AlreadyCrossed               // an observation has reached the threshold
	NoTrend                      // the slope is not significantly towards the threshold
	TooFar                       // the crossing lies beyond the horizon
	Unbounded                    // the interval of the crossing is unbounded
)

var statusNames = [...]string{"ok", "too few points", "no spread", "already crossed", "no trend", "too far", "unbounded"}

// String returns a short lower-case name of s.
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusNames[s]
}

// Forecast is the result of Estimate.
type Forecast struct {
	Status Status
	// Reason explains a Status other than OK, e.g. "fewer than 3 points".
	Reason string
	// Crossing is the estimated x at which the trend reaches the threshold,
	// and [Low, High] its interval, in the units of Point.X. They are set
	// only when Status is OK; Low <= Crossing <= High.
	Crossing, Low, High float64
	// Method describes the fit and the interval in words.
	Method string
	// N is the number of points; DF the residual degrees of freedom, N-2.
	N, DF int
	// Level is the confidence level used.
	Level float64
	// Intercept, Slope and SlopeSE describe the fitted line in the
	// transformed scale (u, z), with ResidualSE the standard deviation of
	// the residuals, T the t statistic of the slope and R2 the coefficient
	// of determination. They are set whenever a line was fitted.
	Intercept, Slope, SlopeSE, ResidualSE, T, R2 float64
}

// Error reports input Estimate cannot use.
type Error struct {
	Index int // the offending point, or -1
	Msg   string
}

// Error returns a message of the form "forecast: point 3: ...".
func (e *Error) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("forecast: point %d: %s", e.Index, e.Msg)
	}
	return "forecast: " + e.Msg
}

// Estimate estimates the x at which the trend in points reaches threshold.
//
// It returns an *Error for unusable input: a non-finite value, x <= 0 with
// Log10, y outside [0, 1] or a threshold outside (0, 1) with Logistic, or a
// Level outside (0, 1). Otherwise it returns a Forecast, whose Status says
// whether the data support an estimate.
func Estimate(points []Point, threshold float64, c Config) (Forecast, error) {
	if err := validate(points, threshold, c); err != nil {
		return Forecast{}, err
	}
	f := Forecast{N: len(points), DF: len(points) - 2, Level: c.Level}
	f.Method = method(c)
	above := "above"
	if c.Decreasing {
		above = "below"
	}
	if len(points) < 3 {
		return f.no(TooFewPoints, "fewer than 3 points"), nil
	}
	sorted := slices.Clone(points)
	slices.SortStableFunc(sorted, func(a, b Point) int { return cmpFloat(a.X, b.X) })
	for _, p := range sorted {
		if (!c.Decreasing && p.Y >= threshold) || (c.Decreasing && p.Y <= threshold) {
			return f.no(AlreadyCrossed, fmt.Sprintf("already %s the threshold at x=%g (y=%g)", above, p.X, p.Y)), nil
		}
	}

	// Transform and fit z = a + b·u.
	n := float64(len(sorted))
	u := make([]float64, len(sorted))
	z := make([]float64, len(sorted))
	for i, p := range sorted {
		u[i], z[i] = c.u(p.X), c.z(p.Y)
	}
	zt := c.z(threshold)
	var mu, mz float64
	for i := range u {
		mu += u[i]
		mz += z[i]
	}
	mu /= n
	mz /= n
	var suu, suz, szz float64
	for i := range u {
		suu += (u[i] - mu) * (u[i] - mu)
		suz += (u[i] - mu) * (z[i] - mz)
		szz += (z[i] - mz) * (z[i] - mz)
	}
	uMin, uMax := u[0], u[len(u)-1]
	if !(suu > 0) || uMax-uMin <= 1e-12*math.Max(math.Abs(uMin), math.Abs(uMax)) {
		return f.no(NoSpread, fmt.Sprintf("all points at x=%g", sorted[0].X)), nil
	}
	b := suz / suu
	a := mz - b*mu
	sse := math.Max(szz-b*suz, 0)
	s := math.Sqrt(sse / float64(f.DF))
	f.Intercept, f.Slope, f.ResidualSE = a, b, s
	f.SlopeSE = s / math.Sqrt(suu)
	if szz > 0 {
		f.R2 = 1 - sse/szz
	}
	if c.Decreasing {
		// The fit ran on -z; report the line of the data as given.
		f.Intercept, f.Slope = -a, -b
	}
	switch {
	case f.SlopeSE > 0:
		f.T = b / f.SlopeSE
	case b > 0:
		f.T = math.Inf(1)
	case b < 0:
		f.T = math.Inf(-1)
	}
	tOne := tQuantile(c.Level, f.DF)
	tTwo := tQuantile(1-(1-c.Level)/2, f.DF)
	direction := "upward"
	if c.Decreasing {
		direction = "downward"
	}
	if !(b > 0) || f.T < tOne {
		return f.no(NoTrend, fmt.Sprintf("no %s trend (slope not significantly %s: t = %.2f, needs %.2f at %g%%)",
			direction, map[bool]string{false: "positive", true: "negative"}[c.Decreasing], math.Abs(f.T)*sign(b), tOne, 100*c.Level)), nil
	}

	// The crossing and its Fieller interval, as d = u - mean(u).
	dz := zt - mz
	dHat := dz / b
	horizon := uMax + c.Horizon*(uMax-uMin)
	if mu+dHat > horizon {
		return f.no(TooFar, fmt.Sprintf("crossing beyond %gx the observed range (estimate x=%g, horizon x=%g)", c.Horizon, c.x(mu+dHat), c.x(horizon))), nil
	}
	k := 1.0
	if c.Interval == Mean {
		k = 0
	}
	A := b*b - tTwo*tTwo*s*s/suu
	if !(A > 0) {
		return f.no(Unbounded, fmt.Sprintf("noisy: interval unbounded (slope t = %.2f is below %.2f, the two-sided %g%% value)", f.T, tTwo, 100*c.Level)), nil
	}
	half := tTwo * s * math.Sqrt(dz*dz/suu+A*(k+1/n))
	lo, hi := mu+(dz*b-half)/A, mu+(dz*b+half)/A
	f.Crossing, f.Low, f.High = c.x(mu+dHat), c.x(lo), c.x(hi)
	if math.IsInf(f.High, 0) || math.IsInf(f.Low, 0) || math.IsNaN(f.Low) || math.IsNaN(f.High) {
		return f.no(Unbounded, "noisy: interval unbounded (beyond the range of float64)"), nil
	}
	// Guard the ordering against rounding when the interval is a point.
	f.Low = math.Min(f.Low, f.Crossing)
	f.High = math.Max(f.High, f.Crossing)
	return f, nil
}

func (f Forecast) no(s Status, reason string) Forecast {
	f.Status, f.Reason = s, reason
	return f
}

func validate(points []Point, threshold float64, c Config) error {
	if !(c.Level > 0 && c.Level < 1) {
		return &Error{Index: -1, Msg: fmt.Sprintf("level %g not in (0, 1)", c.Level)}
	}
	if !(c.Horizon > 0) || math.IsInf(c.Horizon, 0) {
		return &Error{Index: -1, Msg: fmt.Sprintf("horizon %g not positive", c.Horizon)}
	}
	if c.Scale != Linear && c.Scale != Log10 || c.Model != Line && c.Model != Logistic || c.Interval != Prediction && c.Interval != Mean {
		return &Error{Index: -1, Msg: "unknown scale, model or interval"}
	}
	if !finite(threshold) {
		return &Error{Index: -1, Msg: fmt.Sprintf("threshold %g not finite", threshold)}
	}
	if c.Model == Logistic {
		if !(threshold > 0 && threshold < 1) {
			return &Error{Index: -1, Msg: fmt.Sprintf("threshold %g not in (0, 1) for a logistic fit", threshold)}
		}
		if !(c.Epsilon > 0 && c.Epsilon < 0.5) {
			return &Error{Index: -1, Msg: fmt.Sprintf("epsilon %g not in (0, 0.5)", c.Epsilon)}
		}
	}
	for i, p := range points {
		switch {
		case !finite(p.X) || !finite(p.Y):
			return &Error{Index: i, Msg: fmt.Sprintf("(%g, %g) not finite", p.X, p.Y)}
		case c.Scale == Log10 && p.X <= 0:
			return &Error{Index: i, Msg: fmt.Sprintf("x = %g: log10 scale needs x > 0", p.X)}
		case c.Model == Logistic && (p.Y < 0 || p.Y > 1):
			return &Error{Index: i, Msg: fmt.Sprintf("y = %g: logistic model needs y in [0, 1]", p.Y)}
		}
	}
	return nil
}

func method(c Config) string {
	x := "x"
	if c.Scale == Log10 {
		x = "log10(x)"
	}
	y := "y"
	if c.Model == Logistic {
		y = "logit(y)"
	}
	iv := "prediction"
	if c.Interval == Mean {
		iv = "confidence"
	}
	return fmt.Sprintf("ordinary least squares of %s on %s; crossing by inverse regression with a %g%% Fieller %s interval (Student t)", y, x, 100*c.Level, iv)
}

// u transforms x.
func (c Config) u(x float64) float64 {
	if c.Scale == Log10 {
		return math.Log10(x)
	}
	return x
}

// x inverts u.
func (c Config) x(u float64) float64 {
	if c.Scale == Log10 {
		return math.Pow(10, u)
	}
	return u
}

// z transforms y so that the threshold is always crossed upwards.
func (c Config) z(y float64) float64 {
	if c.Model == Logistic {
		y = min(max(y, c.Epsilon), 1-c.Epsilon)
		y = math.Log(y / (1 - y))
	}
	if c.Decreasing {
		return -y
	}
	return y
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
