package forecast

// TQuantile exposes tQuantile to the black-box tests.
var TQuantile = tQuantile
