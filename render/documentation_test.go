package render_test

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/render"
)

// marked returns a form whose every item holds a marker naming the item,
// so that a rendered document shows exactly which items it contains.
func marked() *gpai.Documentation {
	m := func(n int) string { return fmt.Sprintf("MARKER%02dX", n) }
	fig := func(n int) *gpai.Figure {
		return &gpai.Figure{Value: float64(n) * 1.1e9, Text: fmt.Sprintf("%d.1e9", n)}
	}
	mag := 33
	return &gpai.Documentation{
		Document: gpai.DocumentHeader{Version: "1"},
		General: gpai.DocGeneral{ProviderName: m(1), ModelName: m(2), Authenticity: m(3),
			ReleaseDate: &gpai.Date{}, UnionReleaseDate: &gpai.Date{},
			Dependencies: &gpai.NAList[string]{Items: []string{m(6)}}},
		Properties: gpai.DocProperties{Architecture: m(7), DesignSpecifications: m(8),
			InputModalities: []string{m(9)}, InputMaxSize: map[string]string{"text": m(10)},
			OutputModalities: []string{m(11)}, OutputMaxSize: map[string]string{"text": m(12)},
			Parameters: &gpai.Figure{Value: 1.3e10, Text: "1.3e10"}, ParameterRange: m(14)},
		Distribution: gpai.DocDistribution{Channels: []gpai.Channel{{Method: m(15)}}, DPChannels: []string{m(16)},
			Licence: m(17), DPLicence: m(18), AdditionalAssets: &gpai.NAList[gpai.Asset]{Items: []gpai.Asset{{Asset: m(19), Access: "x"}}}},
		Use:      gpai.DocUse{AcceptableUsePolicy: m(20), IntendedUses: m(21), IntegrationTypes: m(22), IntegrationMeans: m(23), Hardware: m(24), Software: m(25)},
		Training: gpai.DocTraining{Design: m(26), Rationale: m(27)},
		Data: gpai.DocData{Modalities: []string{m(28)}, Provenance: []string{m(29)}, Acquisition: m(30),
			PointsNCA: &gpai.DataPoints{Training: fig(31), Unit: m(31)}, Points: &gpai.DataPoints{Training: fig(32), Unit: m(32)},
			Scope: m(33), Curation: m(34), Unsuitability: m(35), Biases: m(36)},
		Compute: gpai.DocCompute{TimeRange: m(37), WallClockDays: &gpai.Figure{Value: 90, Text: "9e1"}, Period: "", HardwareDays: []gpai.HardwareDays{{Hardware: m(38), Days: gpai.Figure{Value: 4e5, Text: "4e5"}}},
			FLOPMagnitude: &mag, TrainingFLOP: &gpai.Figure{Value: 4.0e40, Text: "4.0e40"}, FLOPMethodology: m(41)},
		Energy: gpai.DocEnergy{TrainingNA: m(42), Methodology: m(43), InferenceFLOP: &gpai.Figure{Value: 4.4e44, Text: "4.4e44"}, InferenceMethodology: m(45)},
	}
}

// markers are for the items whose value is a number rather than text.
var numeric = map[int]string{4: "0001-01-01", 5: "0001-01-01", 13: "1.3×10^10", 39: "10^33", 40: "4.0×10^40", 44: "4.4×10^44"}

var markerRE = regexp.MustCompile(`MARKER(\d\d)X`)

// TestNoItemLeaks proves, for every recipient and format, that a document
// contains exactly the items ticked for its recipient: an AI-Office-only
// figure never reaches a downstream provider.
func TestNoItemLeaks(t *testing.T) {
	doc := marked()
	for _, r := range append(append([]string{}, gpai.Recipients...), "all") {
		var want []int
		for _, it := range gpai.DocItems {
			if it.IsFor(r) {
				want = append(want, it.Number)
			}
		}
		for _, format := range []string{"md", "html", "json"} {
			var buf bytes.Buffer
			if err := render.Documentation(&buf, doc, r, format); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			seen := map[int]bool{}
			for _, m := range markerRE.FindAllStringSubmatch(out, -1) {
				n, _ := strconv.Atoi(m[1])
				seen[n] = true
			}
			for n, s := range numeric {
				if strings.Contains(out, s) {
					seen[n] = true
				}
			}
			var got []int
			for n := range seen {
				got = append(got, n)
			}
			sort.Ints(got)
			// Items 4 and 5 share a date; count them by the item headings.
			for _, n := range []int{4, 5} {
				heading := fmt.Sprintf("Item %d. ", n)
				if format == "json" {
					heading = fmt.Sprintf(`"item": %d,`, n)
				}
				present := strings.Contains(out, heading)
				if present != contains(want, n) {
					t.Errorf("%s %s: item %d present=%t", r, format, n, present)
				}
				if !present {
					got = remove(got, n)
				} else if !contains(got, n) {
					got = append(got, n)
					sort.Ints(got)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("recipient %s, format %s: items (-ticked +rendered):\n%s", r, format, diff)
			}
		}
	}
	if n := len(gpai.DocItems); n != 45 {
		t.Fatalf("the form has 45 items, the table %d", n)
	}
}

func contains(s []int, n int) bool {
	for _, x := range s {
		if x == n {
			return true
		}
	}
	return false
}

func remove(s []int, n int) []int {
	var out []int
	for _, x := range s {
		if x != n {
			out = append(out, x)
		}
	}
	return out
}

// The form's audience columns, all 45 rows (regulation.md §3.3), pinned
// here independently of the table the renderer reads.
func TestItemAudiences(t *testing.T) {
	const all, reg = "aio,nca,dp", "aio,nca"
	want := []string{
		all, all, reg, all, all, all, // 1-6
		all, reg, all, "aio,dp", all, "dp", "aio", "nca,dp", // 7-14
		reg, "dp", reg, "dp", "aio,dp", // 15-19
		all, all, all, "dp", "dp", "dp", // 20-25
		reg, reg, // 26-27
		all, all, reg, "nca", "aio", reg, all, reg, reg, // 28-36
		"nca", "aio", "nca", "aio", reg, // 37-41
		reg, reg, reg, reg, // 42-45
	}
	if len(gpai.DocItems) != len(want) {
		t.Fatalf("%d items, want %d", len(gpai.DocItems), len(want))
	}
	for i, it := range gpai.DocItems {
		if it.Number != i+1 {
			t.Errorf("item at %d is numbered %d", i, it.Number)
		}
		if got := strings.Join(it.For, ","); got != want[i] {
			t.Errorf("item %d (%s) is for %s, want %s", it.Number, it.Title, got, want[i])
		}
	}
}
