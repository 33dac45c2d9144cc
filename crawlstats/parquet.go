package crawlstats

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gpai-project/gpai/ccparquet"
)

// parquet reads a columnar-index file, one row group per task, a batch of
// rows at a time: tight loops over the batch's columns, with the tallies
// of the values of the domain and host columns' dictionaries cached by
// dictionary index for the row group. The hosts are read only for the
// batches that need them: where a domain is missing, or a row is
// malformed (ccparquet then also skips decoding the host column's pages,
// a fifth of the work).
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
		var done int64 // rows
		for rg.NextBatch() {
			if err := ctx.Err(); err != nil {
				return err
			}
			b := rg.Batch()
			dom := &b.Domain
			// the caches by dictionary index, sized once per batch
			if dom.Dict && len(dcache) < dom.NumValues() {
				dcache = append(dcache, make([]*tally, dom.NumValues()-len(dcache))...)
			}
			var bytes int64
			if useDomain && dom.Full && dom.Dict && rg.HostsFull() && !slices.ContainsFunc(b.Length, negative) {
				// Each row has a host (by the file's metadata), a length
				// and its domain in the domain column's dictionary: the
				// hosts are not needed.
				for k, d := range dom.ID {
					t := dcache[d]
					if t == nil {
						t = s.domain(string(normalHost(dom.Value(d))))
						dcache[d] = t
					}
					addRow(t, b.Length[k], b.Unix[k])
					bytes += b.Length[k]
				}
				s.records += int64(b.Len)
			} else {
				host := rg.Hosts() // may shorten b
				if host == nil {
					break
				}
				if host.Dict && len(cache) < host.NumValues() {
					cache = append(cache, make([]*tally, host.NumValues()-len(cache))...)
				}
				for k, length := range b.Length {
					h := host.ID[k]
					switch {
					case h < 0 || !host.Full && len(host.Value(h)) == 0:
						s.bad("missing_host", input, first[i]+b.Row+int64(k), nil)
						continue
					case length < 0:
						s.bad("missing_length", input, first[i]+b.Row+int64(k), host.Value(h))
						continue
					}
					var t *tally
					if d := dom.ID[k]; d >= 0 && useDomain {
						if !dom.Dict {
							t = s.domain(string(normalHost(dom.Value(d))))
						} else if t = dcache[d]; t == nil {
							t = s.domain(string(normalHost(dom.Value(d))))
							dcache[d] = t
						}
					} else if !host.Dict {
						t = s.tallyOf(normalHost(host.Value(h)))
					} else if t = cache[h]; t == nil {
						// the dictionary holds each host once: no host cache
						t = s.domain(RegisteredDomain(string(normalHost(host.Value(h)))))
						cache[h] = t
					}
					addRow(t, length, b.Unix[k])
					s.records++
					bytes += length
				}
			}
			done += int64(b.Len)
			s.lines += int64(b.Len)
			s.bytes += bytes
		}
		ids[w], dids[w] = cache, dcache
		if rows > 0 {
			r.prog.add(size * done / rows)
		}
		if err := rg.Err(); err != nil {
			return fmt.Errorf("crawlstats: %s: row group %d: %w", input, i, err)
		}
		return nil
	})
	return err
}

// addRow adds a record of the given length and time (ccparquet.NoTime if
// none) to t.
func addRow(t *tally, length, unix int64) {
	if unix != ccparquet.NoTime {
		t.add(length, unix)
	} else {
		t.addNoTime(length)
	}
}

func negative(n int64) bool { return n < 0 }

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
