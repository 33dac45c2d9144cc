// Package forecast estimates when a measured quantity will cross a
// threshold, with an interval, from a series of observations, and says so
// when the series cannot support such an estimate.
//
// It serves the timeline estimates of the General-Purpose AI Code of
// Practice, Safety and Security chapter, Measure 1.1(2)(c): for each
// systemic risk with tiers, an estimate of when a model will exceed the
// highest tier reached so far, "justified with assumptions and
// uncertainties". The observations are evaluation results (an accuracy, a
// success rate) against a checkpoint index, training compute or time.
//
// # Method
//
// [Estimate] fits an ordinary least-squares line z = a + b·u, where u is x or
// log10(x) ([Log10], for training compute in FLOP) and z is y or, for a
// metric bounded in [0, 1], logit(y) ([Logistic]: a sigmoid in u). The
// crossing is the u at which the line reaches the transformed threshold. Its
// interval is the classical inverse-regression (calibration) interval built
// with Fieller's theorem: the set of u at which the threshold lies inside the
// t-distribution interval of the fit at u. With [Prediction] (the default)
// that is the prediction interval of one new observation, so the interval
// covers the x at which a single evaluation run would report the threshold;
// with [Mean] it is the confidence interval of the fitted line, covering the
// x at which the expected score crosses. The interval is given in x units,
// so a log10 or logit transformation needs no back-transformation of
// variances.
//
// # Assumptions
//
// The estimate holds only as far as these do, and a report should say so:
//
//   - the trend is a straight line in the chosen scale (linear in x or in
//     log10 x; sigmoid for a logistic fit), and it continues beyond the data;
//   - residuals are independent and normal with constant variance in that
//     scale (a logistic fit clamps y to [Epsilon, 1-Epsilon] first, and
//     ignores that the variance of a proportion depends on its value);
//   - the x values are known exactly;
//   - nothing changes the trend: new training methods, elicitation,
//     scaffolding or mitigations all break it.
//
// # When there is no forecast
//
// Estimate returns a [Forecast] whose Status is not [OK], with a Reason, when
// it has fewer than 3 points, when all points share one x, when the series
// has already reached the threshold, when the slope is not significantly in
// the direction of the threshold (a one-sided t test at the configured
// level), when the estimate lies more than Horizon times the observed range
// of u beyond the last observation, or when the interval is unbounded (the
// slope is significant one-sided but not two-sided, so the data are too
// noisy to bound the crossing).
package forecast
