package cdx

// ParseFull is Parse without the fast path.
func ParseFull(line []byte, rec *Record) Kind {
	*rec = Record{Line: line, Offset: -1, scratch: rec.scratch[:0], hostBuf: rec.hostBuf}
	rec.Kind = parseWith(line, rec, false)
	return rec.Kind
}

// FastJSON reports whether the fast path answers for the JSON object js
// (which starts with '{'); rec is set as by the fast path.
func FastJSON(js []byte, rec *Record) bool {
	*rec = Record{Offset: -1, fast: new(fastState)}
	return rec.fastJSON(js)
}

// HostOfBoth returns the host of url found by hostOf, with its fast path,
// and by hostOfAny.
func HostOfBoth(url []byte) (fast []byte, okFast bool, full []byte, okFull bool) {
	var b1, b2 []byte
	fast, okFast = hostOf(url, &b1)
	full, okFull = hostOfAny(url, &b2)
	return
}

// CachedTimestamp parses ts with rec's cache of the last date.
func (rec *Record) CachedTimestamp(ts []byte) (int64, bool) { return rec.timestamp(ts) }

// MaxFastJSON is the longest JSON object the fast path takes.
const MaxFastJSON = maxFastJSON

// EdgeObjects returns JSON objects at the edges of the fast path's shape.
func EdgeObjects() []string { return edgeObjects() }
