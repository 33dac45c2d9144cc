package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpai-project/gpai/audit"
	"github.com/gpai-project/gpai/optout"
)

func file(name string) audit.Manifest {
	return audit.Manifest{Name: name, Open: func() (io.ReadCloser, error) { return os.Open("testdata/" + name) }}
}

func policy() *optout.Policy {
	return &optout.Policy{Agents: []string{"CCBot"}, Blocklist: optout.NewBlocklist(optout.BlockEntry{Domain: "pirate.example", File: "piracy.txt", Line: 1})}
}

func TestAudit(t *testing.T) {
	warcWant := map[string]int64{"allowed": 1, "reserved": 3, "restricted": 2, "unknown": 1, "blocked": 1}
	warcSkipped := map[string]int64{"warc_metadata": 1, "warc_request": 1, "warc_warcinfo": 1}
	tests := []struct {
		name      string
		manifests []audit.Manifest
		records   int64
		captures  int64
		decisions map[string]int64
		signals   map[string]int64
		skipped   map[string]int64
		filtered  string
	}{
		{name: "warc", manifests: []audit.Manifest{file("crawl.warc")}, records: 8, captures: 4, decisions: warcWant, skipped: warcSkipped,
			signals:  map[string]int64{"http-status": 1, "noai": 1, "piracy-list": 1, "robots.txt": 1, "schema.org": 1, "tdmrep": 1},
			filtered: "http://example.com/public\n"},
		{name: "warc gzip per record", manifests: []audit.Manifest{file("crawl.warc.gz")}, records: 8, captures: 4, decisions: warcWant, skipped: warcSkipped,
			signals:  map[string]int64{"http-status": 1, "noai": 1, "piracy-list": 1, "robots.txt": 1, "schema.org": 1, "tdmrep": 1},
			filtered: "http://example.com/public\n"},
		{name: "cdxj alone", manifests: []audit.Manifest{file("index.cdxj")}, records: 4, captures: 1,
			decisions: map[string]int64{"restricted": 1, "unknown": 3}, signals: map[string]int64{"http-status": 1},
			skipped: map[string]int64{"bad_timestamp": 1, "bad_url": 1, "truncated_json": 1}},
		{name: "cdxj gzip with warc captures", manifests: []audit.Manifest{file("index.cdxj.gz"), file("crawl.warc")}, records: 12, captures: 5,
			decisions: map[string]int64{"allowed": 2, "reserved": 4, "restricted": 3, "unknown": 2, "blocked": 1},
			signals:   map[string]int64{"http-status": 2, "noai": 1, "piracy-list": 1, "robots.txt": 2, "schema.org": 1, "tdmrep": 1},
			skipped:   map[string]int64{"bad_timestamp": 1, "bad_url": 1, "truncated_json": 1, "warc_metadata": 1, "warc_request": 1, "warc_warcinfo": 1},
			filtered:  `com,example)/public 20261101120500 {"url": "http://example.com/public", "mime": "text/html", "status": "200", "length": "1200", "offset": "0", "filename": "a.warc.gz"}` + "\nhttp://example.com/public\n"},
		{name: "url list", manifests: []audit.Manifest{file("urls.txt")}, records: 3,
			decisions: map[string]int64{"blocked": 1, "unknown": 2}, signals: map[string]int64{"piracy-list": 1}, skipped: map[string]int64{"bad_url": 2}},
		{name: "url list with warc captures", manifests: []audit.Manifest{file("urls.txt"), file("crawl.warc")}, records: 11, captures: 4,
			decisions: map[string]int64{"allowed": 2, "reserved": 4, "restricted": 2, "unknown": 1, "blocked": 2},
			signals:   map[string]int64{"http-status": 1, "noai": 1, "piracy-list": 2, "robots.txt": 2, "schema.org": 1, "tdmrep": 1},
			skipped:   map[string]int64{"bad_url": 2, "warc_metadata": 1, "warc_request": 1, "warc_warcinfo": 1},
			filtered:  "http://example.com/public\nhttp://example.com/public\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			a := &audit.Auditor{Policy: policy(), Filtered: &out}
			rep, err := a.Run(context.Background(), tt.manifests)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Records != tt.records || rep.Captures != tt.captures {
				t.Errorf("records %d, captures %d; want %d, %d", rep.Records, rep.Captures, tt.records, tt.captures)
			}
			if tt.skipped == nil {
				tt.skipped = map[string]int64{}
			}
			if d := cmp.Diff(tt.decisions, rep.ByDecision); d != "" {
				t.Errorf("by decision (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.signals, rep.BySignal); d != "" {
				t.Errorf("by signal (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.skipped, rep.Skipped); d != "" {
				t.Errorf("skipped (-want +got):\n%s", d)
			}
			var sum float64
			for _, s := range rep.Shares {
				sum += s
			}
			if rep.Records > 0 && (sum < 0.999 || sum > 1.001) {
				t.Errorf("shares add up to %v", sum)
			}
			if got := out.String(); got != tt.filtered {
				t.Errorf("filtered manifest:\n%s\nwant:\n%s", got, tt.filtered)
			}
		})
	}
}

func TestTopDomainsAndEvidence(t *testing.T) {
	a := &audit.Auditor{Policy: policy()}
	rep, err := a.Run(context.Background(), []audit.Manifest{file("crawl.warc")})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.TopDomains) == 0 || rep.TopDomains[0].Domain != "example.org" || rep.TopDomains[0].NotUsable != 4 {
		t.Fatalf("top domains %+v", rep.TopDomains)
	}
	for _, d := range rep.TopDomains {
		if d.Example == nil || len(d.Example.Evidence) == 0 {
			t.Errorf("%s: no evidence", d.Domain)
		}
	}
	// The robots.txt evidence carries the capture's time and hash.
	for _, d := range rep.TopDomains {
		if d.Domain != "example.com" {
			continue
		}
		e := d.Example.Evidence[0]
		if e.Source != "robots.txt" || e.FetchedAt.IsZero() || len(e.SHA256) != 64 || e.Line != 2 {
			t.Errorf("example.com evidence %+v", e)
		}
	}
}

func TestOnceManifest(t *testing.T) {
	// Standard input is read once: captures before a record still count.
	b, err := os.ReadFile("testdata/crawl.warc")
	if err != nil {
		t.Fatal(err)
	}
	m := audit.Manifest{Name: "-", Once: true, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
	rep, err := (&audit.Auditor{Policy: policy()}).Run(context.Background(), []audit.Manifest{m})
	if err != nil {
		t.Fatal(err)
	}
	if rep.ByDecision["allowed"] != 1 || rep.ByDecision["reserved"] != 3 {
		t.Errorf("by decision %v", rep.ByDecision)
	}
}

func TestDamagedWARC(t *testing.T) {
	rep, err := (&audit.Auditor{Policy: policy()}).Run(context.Background(), []audit.Manifest{file("damaged.warc")})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 1 || rep.ByDecision["allowed"] != 1 {
		t.Errorf("records %d %v", rep.Records, rep.ByDecision)
	}
	var skipped int64
	for _, v := range rep.Skipped {
		skipped += v
	}
	if skipped == 0 {
		t.Errorf("no skips counted: %v", rep.Skipped)
	}
}

func TestBadManifests(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"binary junk", "\x00\x01\x02\xff\xfe binary", "binary data"},
		{"bad gzip", "\x1f\x8b\x08\x00garbage", "gzip"},
	}
	for _, tt := range tests {
		m := audit.Manifest{Name: tt.name, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(tt.content)), nil }}
		_, err := (&audit.Auditor{Policy: policy()}).Run(context.Background(), []audit.Manifest{m})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.want)
		}
	}
	m := audit.Manifest{Name: "missing", Open: func() (io.ReadCloser, error) { return os.Open("testdata/nope") }}
	if _, err := (&audit.Auditor{Policy: policy()}).Run(context.Background(), []audit.Manifest{m}); err == nil {
		t.Error("missing file: no error")
	}
}

func TestLongLines(t *testing.T) {
	in := "http://a.example/1\n" + "http://b.example/" + strings.Repeat("x", audit.MaxLineSize+10) + "\nhttp://c.example/3"
	m := audit.Manifest{Name: "long", Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(in)), nil }}
	rep, err := (&audit.Auditor{Policy: policy()}).Run(context.Background(), []audit.Manifest{m})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 2 || rep.Skipped["line_too_long"] != 1 {
		t.Errorf("records %d skipped %v", rep.Records, rep.Skipped)
	}
}

func TestEncode(t *testing.T) {
	a := &audit.Auditor{Policy: &optout.Policy{Agents: []string{"CCBot"}}}
	in := "http://example.com/<script>alert(1)</script>\n"
	m := audit.Manifest{Name: `<b>"x"</b>`, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(in)), nil }}
	rep, err := a.Run(context.Background(), []audit.Manifest{m})
	if err != nil {
		t.Fatal(err)
	}
	var h bytes.Buffer
	if err := rep.Encode(&h, "html"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.String(), "<script>alert") || strings.Contains(h.String(), `<b>"x"</b>`) || !strings.Contains(h.String(), "&lt;b&gt;") {
		t.Errorf("HTML not escaped:\n%s", h.String())
	}
	var j bytes.Buffer
	if err := rep.Encode(&j, "json"); err != nil {
		t.Fatal(err)
	}
	var back audit.Report
	if err := json.Unmarshal(j.Bytes(), &back); err != nil || back.Records != 1 {
		t.Errorf("JSON round trip: %v, %+v", err, back)
	}
	var txt bytes.Buffer
	if err := rep.Encode(&txt, "text"); err != nil || !strings.Contains(txt.String(), "unknown") {
		t.Errorf("text: %v\n%s", err, txt.String())
	}
	if err := rep.Encode(io.Discard, "pdf"); err == nil {
		t.Error("unknown format accepted")
	}
}

// FuzzReader feeds arbitrary manifests to the readers: no panic, and every
// record has a valid URL.
func FuzzReader(f *testing.F) {
	for _, name := range []string{"urls.txt", "index.cdxj", "crawl.warc", "damaged.warc", "index.cdxj.gz"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("com,x)/ 2024 {\"url\": \"http://x/\", \"length\": \"1\"}\n\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := audit.NewReader(bytes.NewReader(b))
		if err != nil {
			return
		}
		n := 0
		for r.Next() && n < 10000 {
			rec := r.Record()
			if !strings.HasPrefix(rec.URL, "http://") && !strings.HasPrefix(rec.URL, "https://") && !strings.HasPrefix(strings.ToLower(rec.URL), "http") {
				t.Fatalf("record with URL %q", rec.URL)
			}
			n++
		}
		_ = r.Err()
		_ = r.Skipped()
	})
}
