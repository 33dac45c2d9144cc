package crawlstats

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// progress reports how far a run has come.
type progress struct {
	total int64 // bytes of all inputs
	done  atomic.Int64
}

func (p *progress) add(n int64) { p.done.Add(n) }

// start starts reporting to w and returns the function that stops it and
// writes the summary. It does nothing if w is nil.
func (p *progress) start(w io.Writer, live bool, every time.Duration) func(*Stats, error) {
	if w == nil {
		return func(*Stats, error) {}
	}
	t0 := time.Now()
	end := "\n"
	if live {
		end = ""
	}
	report := func() {
		el := time.Since(t0).Seconds()
		d := p.done.Load()
		pct := 0.0
		if p.total > 0 {
			pct = 100 * float64(d) / float64(p.total)
		}
		prefix := ""
		if live {
			prefix = "\r\033[K"
		}
		fmt.Fprintf(w, prefix+"crawlstats: %s of %s (%.0f%%), %.0f MB/s%s",
			mb(d), mb(p.total), pct, float64(d)/1e6/max(el, 1e-9), end)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tk := time.NewTicker(every)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				report()
			}
		}
	}()
	return func(st *Stats, err error) {
		close(stop)
		<-done
		if live {
			fmt.Fprint(w, "\r\033[K")
		}
		el := time.Since(t0)
		if err != nil {
			fmt.Fprintf(w, "crawlstats: stopped after %s: %v\n", el.Round(time.Millisecond), err)
			return
		}
		fmt.Fprintf(w, "crawlstats: %s in %s (%.0f MB/s): %d lines, %d records, %d malformed, %d domains, %d bytes\n",
			mb(p.total), el.Round(time.Millisecond), float64(p.total)/1e6/el.Seconds(),
			st.Lines, st.Records, st.MalformedLines(), len(st.Domains), st.Bytes)
	}
}

func mb(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
}
