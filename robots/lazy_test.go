package robots_test

import (
	"os"
	"sync"
	"testing"

	"github.com/gpai-project/gpai/robots"
)

// TestLazyConcurrent decides for many agents from many goroutines on a
// fresh File, so that the agent table and the agents' rule sets are
// compiled concurrently, and compares with a File compiled up front.
func TestLazyConcurrent(t *testing.T) {
	data, err := os.ReadFile("testdata/bench.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := robots.ParseBytes(data)
	want.Compile()
	paths := []string{"/", "/admin/x", "/news/a.html?s=1", "/wp-admin/index.html", "/caf%C3%A9", "/robots.txt"}
	profiles := []robots.Profile{robots.Strict, robots.RFC, robots.Google}
	for round := 0; round < 4; round++ {
		f := robots.ParseBytes(data)
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range refAgents {
					agent := refAgents[(i+g)%len(refAgents)]
					if g%3 == 0 {
						f.Compile(agent)
					}
					if g == 7 {
						f.GroupsFor(agent)
					}
					for _, p := range paths {
						for _, prof := range profiles {
							if got, w := f.Decide(agent, p, prof), want.Decide(agent, p, prof); got.String() != w.String() {
								t.Errorf("Decide(%q, %q, %v) = %v, want %v", agent, p, prof, got, w)
							}
						}
					}
				}
			}()
		}
		wg.Wait()
	}
}

// TestLazyAllocs checks that only the first decision for an agent
// compiles (and allocates), and that Compile leaves nothing to compile.
func TestLazyAllocs(t *testing.T) {
	data, err := os.ReadFile("testdata/bench.txt")
	if err != nil {
		t.Fatal(err)
	}
	f := robots.ParseBytes(data)
	f.Compile()
	for _, agent := range refAgents {
		if n := testing.AllocsPerRun(10, func() { f.Decide(agent, "/news/a.html?s=1", robots.Strict) }); n != 0 {
			t.Errorf("Decide(%q) after Compile allocates %v times", agent, n)
		}
	}
	g := robots.ParseBytes(data)
	g.Decide("CCBot", "/", robots.RFC)
	if n := testing.AllocsPerRun(10, func() { g.Decide("ccbot", "/x", robots.Google) }); n != 0 {
		t.Errorf("second decision for CCBot allocates %v times", n)
	}
}
