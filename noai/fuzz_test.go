package noai_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/gpai-project/gpai/noai"
)

func seed(f *testing.F, name string, add func(line string)) {
	f.Helper()
	fh, err := os.Open(name)
	if err != nil {
		f.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		add(sc.Text())
	}
}

func FuzzParseXRobotsTag(f *testing.F) {
	seed(f, "testdata/x-robots-tag.txt", func(line string) { f.Add(line, "GPTBot") })
	f.Fuzz(func(t *testing.T, value, agent string) {
		dirs := noai.ParseXRobotsTag(value)
		for _, d := range dirs {
			if !noai.Known(d.Name) || d.Raw != value || strings.ContainsAny(d.Agent, " ,:") {
				t.Fatalf("ParseXRobotsTag(%q) = %+v", value, d)
			}
		}
		r := noai.Reserved(dirs, agent)
		if r.Text && !r.Images {
			t.Fatalf("text reserved without images: %+v", r)
		}
	})
}

func FuzzParseMeta(f *testing.F) {
	seed(f, "testdata/meta-robots.txt", func(line string) {
		name, content, _ := strings.Cut(line, "\t")
		f.Add(name, content)
	})
	f.Fuzz(func(t *testing.T, name, content string) {
		for _, d := range noai.ParseMeta(name, content) {
			if !noai.Known(d.Name) || d.Source != noai.SourceMeta {
				t.Fatalf("ParseMeta(%q, %q) = %+v", name, content, d)
			}
		}
	})
}
