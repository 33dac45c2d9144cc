//go:build !amd64

package cdx

// scan is scanGo.
func (f *fastFields) scan(js []byte) int { return f.scanGo(js, nil) }
