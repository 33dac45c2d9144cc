package crawlstats

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/gpai-project/gpai/ccparquet"
)

// parquet reads a columnar-index file, one row group per task.
func (r *runner) parquet(ctx context.Context, input string, f io.ReaderAt, size int64) error {
	pf, err := ccparquet.Open(f, size)
	if err != nil {
		return fmt.Errorf("crawlstats: %s: %w", input, err)
	}
	n := pf.NumRowGroups()
	first := make([]int64, n) // row number of each group's first row
	rows := pf.NumRows()
	var at int64
	for i := range n {
		first[i] = at
		at += pf.RowGroupNumRows(i)
	}
	ids := make([][]*tally, r.cfg.Workers)  // host dictionary index → tally
	dids := make([][]*tally, r.cfg.Workers) // domain dictionary index → tally
	useDomain := !r.cfg.IgnoreDomainColumn
	err = r.parallel(ctx, n, func(ctx context.Context, w, i int) error {
		s := r.shards[w]
		rg := pf.RowGroup(i)
		cache, dcache := ids[w], dids[w]
		clear(cache)
		clear(dcache)
		row := first[i]
		for rg.Next() {
			if row&0xffff == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			x := rg.Row()
			s.lines++
			switch {
			case len(x.Host) == 0:
				s.bad("missing_host", input, row, nil)
			case x.Length < 0:
				s.bad("missing_length", input, row, x.Host)
			default:
				var t *tally
				if useDomain && x.Domain != nil {
					if id := int(x.DomainID); id >= 0 {
						if id >= len(dcache) {
							dcache = append(dcache, make([]*tally, id+1-len(dcache))...)
						}
						if t = dcache[id]; t == nil {
							t = s.domain(string(normalHost(x.Domain)))
							dcache[id] = t
						}
					} else {
						t = s.domain(string(normalHost(x.Domain)))
					}
				} else if id := int(x.HostID); id >= 0 {
					if id >= len(cache) {
						cache = append(cache, make([]*tally, id+1-len(cache))...)
					}
					if t = cache[id]; t == nil {
						// the dictionary holds each host once: no host cache
						t = s.domain(RegisteredDomain(string(normalHost(x.Host))))
						cache[id] = t
					}
				} else {
					t = s.tallyOf(normalHost(x.Host))
				}
				if x.HasTime {
					t.add(x.Length, x.Unix)
				} else {
					t.addNoTime(x.Length)
				}
				s.records++
				s.bytes += x.Length
			}
			row++
		}
		ids[w], dids[w] = cache, dcache
		if rows > 0 {
			r.prog.add(size * (row - first[i]) / rows)
		}
		if err := rg.Err(); err != nil {
			return fmt.Errorf("crawlstats: %s: row group %d: %w", input, i, err)
		}
		return nil
	})
	return err
}

// normalHost lower-cases a host name and drops a trailing dot, as
// cdx.AppendHost does for URLs.
func normalHost(h []byte) []byte {
	if n := len(h); n > 1 && h[n-1] == '.' {
		h = h[:n-1]
	}
	for _, c := range h {
		if 'A' <= c && c <= 'Z' {
			return []byte(strings.ToLower(string(h)))
		}
	}
	return h
}
