package crawlstats_test

import (
	"maps"
	"testing"

	"github.com/gpai-project/gpai/crawlstats"
)

// TestAggregatorDomains feeds hosts in the order of a SURT-sorted index,
// where a site's names come together, and checks each domain's totals
// against RegisteredDomain host by host: the aggregator skips the lookup
// below a closed domain, and must not where the list has rules below a
// registered domain (s3.amazonaws.com), where a name below is an IP
// address, or where the name has an empty label or a colon.
func TestAggregatorDomains(t *testing.T) {
	hosts := []string{
		"example.com", "www.example.com", "a.b.example.com", "www.example.com", "shop.example.com",
		"amazonaws.com", "www.amazonaws.com", "s3.amazonaws.com", "bucket.s3.amazonaws.com",
		"other.s3.amazonaws.com", "x.amazonaws.com",
		"blogspot.com", "foo.blogspot.com", "x.foo.blogspot.com", "bar.blogspot.com",
		"example.co.uk", "www.example.co.uk", "co.uk", "x.co.uk",
		"3.4", "2.3.4", "1.2.3.4", "0.1.2.3.4",
		"kawasaki.jp", "a.kawasaki.jp", "b.a.kawasaki.jp", "city.kawasaki.jp", "www.city.kawasaki.jp",
		"example.org", ".example.org", "example.org", "a..example.org", "example.org", "a:b.example.org",
		"example.org", "::1.example.org", "example.org", "b:.example.org", "b.example.org",
		"example.net", "fe80::1%x.example.net", "www.example.net",
		"localhost", "a.localhost",
	}
	want := map[string]int64{}
	agg := crawlstats.NewAggregator(0)
	for i, h := range hosts {
		agg.Add([]byte(h), int64(1)<<i, 1700000000)
		want[crawlstats.RegisteredDomain(h)] += int64(1) << i
	}
	got := map[string]int64{}
	for name, d := range agg.Stats().Domains {
		got[name] = d.Bytes
	}
	if !maps.Equal(got, want) {
		for name, b := range want {
			if got[name] != b {
				t.Errorf("%s: bytes %b, want %b", name, got[name], b)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("unexpected domain %s", name)
			}
		}
	}
}
