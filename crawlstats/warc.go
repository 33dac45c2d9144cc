package crawlstats

import (
	"context"
	"fmt"
	"io"

	"github.com/gpai-project/gpai/cdx"
	"github.com/gpai-project/gpai/warc"
)

// warcFile reads a WARC file on one goroutine. Captures are the response,
// revisit and resource records; a capture's bytes are its record's length
// in the file, as a CDX index gives it.
func (r *runner) warcFile(ctx context.Context, input string, f io.Reader) error {
	s := r.shards[0]
	wr := warc.NewReader(f)
	var last int64
	for n := 0; wr.Next(); n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec := wr.Record()
		r.prog.add(rec.Offset - last)
		last = rec.Offset
		switch rec.Type {
		case "response", "revisit", "resource":
		default:
			continue
		}
		s.lines++
		host, ok := cdx.AppendHost(s.hostBuf[:0], []byte(rec.TargetURI))
		if !ok {
			s.bad("bad_url", input, rec.Offset, []byte(rec.TargetURI))
			continue
		}
		s.hostBuf = host
		t := s.tallyOf(host)
		if rec.Date.IsZero() {
			t.addNoTime(rec.Length)
		} else {
			t.add(rec.Length, rec.Date.Unix())
		}
		s.records++
		s.bytes += rec.Length
	}
	if err := wr.Err(); err != nil {
		return fmt.Errorf("crawlstats: %s: %w", input, err)
	}
	return nil
}
