package forecast

import "math"

// tQuantile returns the p-quantile of Student's t distribution with df
// degrees of freedom, for p in [0.5, 1), by bisection on tCDF.
func tQuantile(p float64, df int) float64 {
	if p <= 0.5 {
		return 0
	}
	hi := 1.0
	for tCDF(hi, df) < p && hi < 1e12 {
		hi *= 2
	}
	lo := 0.0
	for range 200 {
		mid := (lo + hi) / 2
		if tCDF(mid, df) < p {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-13*hi {
			break
		}
	}
	return (lo + hi) / 2
}

// tCDF returns P(T <= t) for t >= 0 under Student's t distribution with df
// degrees of freedom: 1 - I_x(df/2, 1/2)/2 with x = df/(df+t²).
func tCDF(t float64, df int) float64 {
	v := float64(df)
	return 1 - 0.5*incBeta(v/2, 0.5, v/(v+t*t))
}

// incBeta returns the regularised incomplete beta function I_x(a, b),
// evaluated with its continued fraction (modified Lentz's method), using
// the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where that converges faster.
func incBeta(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	if x > (a+1)/(a+b+2) {
		return 1 - incBeta(b, a, 1-x)
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(a*math.Log(x) + b*math.Log1p(-x) - (la + lb - lab))
	const tiny = 1e-300
	f, c, d := 1.0, 1.0, 0.0
	for i := 0; i <= 400; i++ {
		m := float64(i / 2)
		var num float64
		switch {
		case i == 0:
			num = 1
		case i%2 == 0:
			num = m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m))
		default:
			num = -(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1))
		}
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		d = 1 / d
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		cd := c * d
		f *= cd
		if math.Abs(1-cd) < 1e-15 {
			return front * (f - 1) / a
		}
	}
	return front * (f - 1) / a
}
