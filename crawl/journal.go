package crawl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
)

// The journal is a JSON Lines file of events. Events take effect only when
// a commit event follows them, so a crash loses at most the batch in
// progress, and the tail after the last commit is cut off on start.
const (
	evRun    = "run"    // a run began: agents, time
	evAdd    = "add"    // a URL entered the frontier
	evDone   = "done"   // a URL left it, with its outcome
	evCommit = "commit" // the events before are durable, with file sizes
)

type event struct {
	E string    `json:"e"`
	U string    `json:"u,omitempty"` // URL
	D int       `json:"d,omitempty"` // depth
	V string    `json:"v,omitempty"` // via
	K bool      `json:"k,omitempty"` // a sitemap
	O string    `json:"o,omitempty"` // outcome
	R string    `json:"r,omitempty"` // reason
	B int64     `json:"b,omitempty"` // bytes stored
	N int64     `json:"n,omitempty"` // commit number
	S []segSize `json:"s,omitempty"` // WARC file sizes
	L int64     `json:"l,omitempty"` // ledger size
	T time.Time `json:"t,omitzero"`
	A []string  `json:"a,omitempty"` // agents
	M []string  `json:"m,omitempty"` // registered domains in scope
}

type segSize struct {
	Name string `json:"f"`
	Size int64  `json:"z"`
}

// Item is a URL waiting in the frontier.
type Item struct {
	URL   string
	Depth int
	Via   string
	// Sitemap reports that the URL is a sitemap to read for URLs.
	Sitemap bool
}

// State is a crawl's state as its journal records it, through the last
// commit.
type State struct {
	// Agents are the product tokens of the first run.
	Agents []string
	// Domains are the registered domains in scope, over every run.
	Domains []string
	// Runs is the number of runs begun.
	Runs int
	// Commits is the number of commits.
	Commits int64
	// Pending are the URLs added and not done, in the order added.
	Pending []Item
	// Seen is the number of distinct URLs added or done.
	Seen int
	// Outcomes counts the URLs done by outcome, and Skipped the skipped
	// ones by reason.
	Outcomes map[string]int
	Skipped  map[string]int
	// Bytes is the number of body bytes stored.
	Bytes int64
	// Files maps each WARC file a commit named (relative to the crawl
	// directory, without ".open") to its committed size.
	Files map[string]int64
	// LedgerSize is the committed size of the ledger.
	LedgerSize int64
	// Size is the length of the journal through its last commit; Tail
	// is the number of bytes after it, which are not committed.
	Size, Tail int64

	seen    map[string]bool
	pending map[string]int // URL to index in Pending
}

// ReadJournal reads a journal and returns the state through its last
// commit. Events after the last commit, and everything from a line that is
// torn or not an event, are ignored and counted in Tail. Only a read error
// is returned as an error.
func ReadJournal(r io.Reader) (*State, error) {
	st := &State{Outcomes: map[string]int{}, Skipped: map[string]int{}, Files: map[string]int64{}, seen: map[string]bool{}, pending: map[string]int{}}
	br := bufio.NewReaderSize(r, 64<<10)
	var batch []event
	var read int64 // bytes consumed so far
	var line []byte
	for {
		b, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			line = append(line[:0], b...)
			for err == bufio.ErrBufferFull && len(line) <= maxLine {
				b, err = br.ReadSlice('\n')
				line = append(line, b...)
			}
			b = line
		}
		read += int64(len(b))
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return nil, fmt.Errorf("crawl: read journal: %w", err)
		}
		if err != nil || len(b) == 0 || b[len(b)-1] != '\n' {
			break // the end, a torn last line or an over-long one
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		var ev event
		if json.Unmarshal(b, &ev) != nil || !ev.valid() {
			break
		}
		if ev.E != evCommit {
			batch = append(batch, ev)
			continue
		}
		for i := range batch {
			st.apply(&batch[i])
		}
		batch = batch[:0]
		st.Commits++
		for _, s := range ev.S {
			st.Files[s.Name] = s.Size
		}
		st.LedgerSize = ev.L
		st.Size = read
	}
	rest, err := io.Copy(io.Discard, br)
	if err != nil {
		return nil, fmt.Errorf("crawl: read journal: %w", err)
	}
	st.Tail = read + rest - st.Size
	st.compact()
	return st, nil
}

// valid reports whether the event is one the journal writes.
func (e *event) valid() bool {
	switch e.E {
	case evRun:
		return true
	case evAdd, evDone:
		return e.U != ""
	case evCommit:
		for _, s := range e.S {
			if s.Name == "" || s.Size < 0 {
				return false
			}
		}
		return e.L >= 0
	}
	return false
}

func (st *State) apply(e *event) {
	switch e.E {
	case evRun:
		st.Runs++
		if st.Agents == nil {
			st.Agents = e.A
		}
		for _, d := range e.M {
			if !slices.Contains(st.Domains, d) {
				st.Domains = append(st.Domains, d)
			}
		}
	case evAdd:
		if st.seen[e.U] {
			return
		}
		st.seen[e.U] = true
		st.pending[e.U] = len(st.Pending)
		st.Pending = append(st.Pending, Item{URL: e.U, Depth: e.D, Via: e.V, Sitemap: e.K})
	case evDone:
		if i, ok := st.pending[e.U]; ok {
			st.Pending[i].URL = "" // a tombstone, removed by compact
			delete(st.pending, e.U)
		} else if st.seen[e.U] {
			return // done already
		}
		st.seen[e.U] = true
		st.Outcomes[e.O]++
		if e.O == OutcomeSkipped {
			st.Skipped[e.R]++
		}
		st.Bytes += e.B
	}
}

// compact removes the tombstones of done URLs from Pending.
func (st *State) compact() {
	out := st.Pending[:0]
	for _, it := range st.Pending {
		if it.URL != "" {
			out = append(out, it)
		}
	}
	st.Pending = out
	for k := range st.pending {
		delete(st.pending, k)
	}
	for i, it := range st.Pending {
		st.pending[it.URL] = i
	}
	st.Seen = len(st.seen)
}
