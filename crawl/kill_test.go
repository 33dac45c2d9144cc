package crawl_test

import (
	"context"
	"encoding/json"

	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gpai-project/gpai/crawl"
	"github.com/gpai-project/gpai/crawlstats"
	"github.com/gpai-project/gpai/warc"
)

// childEnv holds the crawl a re-executed test binary runs.
const childEnv = "GPAI_CRAWL_TEST_CHILD"

type childSpec struct {
	Addr  string
	Dir   string
	Seeds []string
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(runChild(spec))
	}
	os.Exit(m.Run())
}

// runChild crawls as the spec says, in this process, until done or killed.
func runChild(spec string) int {
	var s childSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	cfg := killConfig(s.Dir, s.Seeds)
	cfg.Transport = webTransport(s.Addr)
	c, err := crawl.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if _, err := c.Run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func killConfig(dir string, seeds []string) crawl.Config {
	cfg := crawl.DefaultConfig()
	cfg.Identity = identity
	cfg.Dir = dir
	cfg.Seeds = seeds
	cfg.Workers = 4
	cfg.PerHost = 2
	cfg.Delay = time.Millisecond
	cfg.Timeout = 2 * time.Second
	cfg.SegmentSize = 24 << 10 // rotate often
	cfg.CommitEvery = 4
	cfg.CommitInterval = 20 * time.Millisecond
	return cfg
}

const (
	killHosts = 5
	killPages = 20
)

// killWeb serves killHosts sites of killPages pages each, linked in a
// chain that reveals them a few at a time, with a reserved page beside
// each.
func killWeb(t testing.TB) (*testWeb, []string, map[string]string) {
	w := newWeb(t)
	want := map[string]string{}
	var seeds []string
	for h := range killHosts {
		host := fmt.Sprintf("k%d.test", h)
		base := "http://" + host
		seeds = append(seeds, base+"/")
		w.handle(host, "/robots.txt", robotsTxt("User-agent: *\nDisallow: /no/\n"))
		w.handle(host, "/", slow(12*time.Millisecond, page("/p/0", "/no/0")))
		want[base+"/"] = "fetched"
		want[base+"/no/0"] = "skipped reserved"
		for i := range killPages {
			var links []string
			for _, j := range []int{i + 1, i + 2} {
				if j < killPages {
					links = append(links, fmt.Sprintf("/p/%d", j))
				}
			}
			links = append(links, fmt.Sprintf("/no/%d", i))
			w.handle(host, fmt.Sprintf("/p/%d", i), slow(12*time.Millisecond, page(links...)))
			want[fmt.Sprintf("%s/p/%d", base, i)] = "fetched"
			want[fmt.Sprintf("%s/no/%d", base, i)] = "skipped reserved"
		}
	}
	return w, seeds, want
}

// TestCrawlKill runs the crawl in a child process, kills it with SIGKILL
// at random points several times, restarts it in the same directory each
// time, and checks that the finished crawl lost and duplicated nothing.
func TestCrawlKill(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	w, seeds, want := killWeb(t)
	dir := t.TempDir()
	spec, _ := json.Marshal(childSpec{Addr: w.srv.Listener.Addr().String(), Dir: dir, Seeds: seeds})
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("random seed %d", seed)
	run := func(kill time.Duration) (finished bool) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var timeout <-chan time.Time
		if kill > 0 {
			timeout = time.After(kill)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("crawl exited: %v: %s", err, stderr.String())
			}
			return true
		case <-timeout:
			cmd.Process.Kill() // SIGKILL
			<-done
			return false
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatalf("crawl did not finish: %s", stderr.String())
		}
		return false
	}
	kills := 0
	for range 8 {
		if run(time.Duration(30+rng.IntN(200)) * time.Millisecond) {
			break
		}
		kills++
	}
	run(0)
	t.Logf("killed %d times", kills)
	if kills < 2 {
		t.Logf("the crawl finished before it was killed twice; the machine is fast")
	}

	// Nothing disallowed was ever requested; refetches are the uncommitted
	// work of killed runs.
	refetched := 0
	for host, rs := range w.requests() {
		seen := map[string]bool{}
		for _, r := range rs {
			if strings.HasPrefix(r.uri, "/no/") {
				t.Errorf("%s%s was requested; robots.txt disallows it", host, r.uri)
			}
			if seen[r.uri] && r.uri != "/robots.txt" && r.uri != tdmPath {
				refetched++
			}
			seen[r.uri] = true
		}
	}
	t.Logf("%d pages fetched again after a kill", refetched)

	checkCrawlDir(t, dir, want)
}

// checkCrawlDir checks a finished crawl directory: every URL once in the
// ledger with its outcome; every stored page exactly once across the WARC
// files, where the ledger says; files that read cleanly; no .open file; a
// journal with nothing pending and no tail.
func checkCrawlDir(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	entries := readLedger(t, dir)
	for _, e := range entries {
		if _, dup := got[e.URL]; dup {
			t.Errorf("ledger: %s appears twice", e.URL)
		}
		o := e.Outcome
		if e.Reason != "" {
			o += " " + e.Reason
		}
		got[e.URL] = o
	}
	for u, o := range want {
		if got[u] != o {
			t.Errorf("ledger: %s = %q, want %q", u, got[u], o)
		}
	}
	if len(got) != len(want) {
		t.Errorf("ledger: %d URLs, want %d", len(got), len(want))
	}
	open, _ := filepath.Glob(filepath.Join(dir, "*", "*.open"))
	if len(open) > 0 {
		t.Errorf("files left open: %v", open)
	}
	content := warcFiles(t, dir, crawl.ContentDir)
	stored := map[string]int{}
	ids := map[string]warc.Record{}
	for _, rec := range warcRecords(t, content) {
		if rec.Type == "response" {
			stored[rec.TargetURI]++
			ids[rec.RecordID] = rec
		}
	}
	fetched := 0
	for u, o := range want {
		if o == "fetched" {
			fetched++
		}
		if n := stored[u]; (o == "fetched") != (n == 1) || n > 1 {
			t.Errorf("%s (%s) is stored %d times", u, o, n)
		}
	}
	for _, e := range entries {
		if e.Outcome != crawl.OutcomeFetched {
			continue
		}
		rec, ok := ids[e.WARC.RecordID]
		if !ok || rec.TargetURI != e.URL || filepath.ToSlash(e.WARC.File) == "" {
			t.Errorf("%s: the ledger's WARC record %+v is not in the WARC files", e.URL, e.WARC)
			continue
		}
		// The ledger's offset and length locate the record.
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(e.WARC.File)))
		if err != nil {
			t.Fatal(err)
		}
		r := warc.NewReader(io.NewSectionReader(f, e.WARC.Offset, e.WARC.Length))
		if !r.Next() || r.Record().RecordID != e.WARC.RecordID || r.Next() {
			t.Errorf("%s: %s at %d+%d is not its response record", e.URL, e.WARC.File, e.WARC.Offset, e.WARC.Length)
		}
		f.Close()
	}
	validateWARC(t, append(content, warcFiles(t, dir, crawl.RobotsDir)...))
	st, err := crawlstats.Run(context.Background(), crawlstats.Config{Inputs: content})
	if err != nil {
		t.Fatalf("crawlstats: %v", err)
	}
	if st.Records != int64(fetched) {
		t.Errorf("crawlstats: %d records, want %d", st.Records, fetched)
	}
	jf, err := os.Open(filepath.Join(dir, crawl.JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	defer jf.Close()
	js, err := crawl.ReadJournal(jf)
	if err != nil {
		t.Fatal(err)
	}
	if len(js.Pending) != 0 || js.Tail != 0 || js.Outcomes[crawl.OutcomeFetched] != fetched {
		t.Errorf("journal: %d pending, tail %d, %v fetched; want 0, 0, %d", len(js.Pending), js.Tail, js.Outcomes, fetched)
	}
}
