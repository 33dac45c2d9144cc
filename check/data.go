package check

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/yamldoc"
)

// Data validates data.yaml, the training-data inventory behind the public
// summary of training content (Art 53(1)(d)): completeness as the template
// asks, size bands consistent with the counts, dates in order, crawl
// statistics present, and a built summary that is not stale.
type Data struct{}

// Name returns "data".
func (Data) Name() string { return "data" }

const (
	ruleSummary  = "ART53-1D-SUMMARY"
	citeTemplate = "AI Act Art 53(1)(d); Commission template C(2025) 5235"
)

// Validate implements gpai.Validator.
func (Data) Validate(_ context.Context, d *gpai.Dossier, s *gpai.Scope) ([]gpai.Finding, error) {
	if !d.Files[gpai.DataFile] {
		return nil, nil
	}
	var inv gpai.DataInventory
	doc, err := dossier.LoadFile(d.Dir, gpai.DataFile, &inv)
	if err != nil {
		return nil, err
	}
	return DataFindings(d, doc, &inv), nil
}

// DataFindings returns the findings for a parsed data.yaml.
func DataFindings(d *gpai.Dossier, doc *yamldoc.Doc, inv *gpai.DataInventory) []gpai.Finding {
	var out []gpai.Finding
	add := func(sev gpai.Severity, field, msg, fix string) {
		out = append(out, gpai.Finding{Severity: sev, Rule: ruleSummary, Citation: citeTemplate, Pos: doc.Pos(field), Field: field, Message: msg, Fix: fix})
	}
	need := func(used bool, field, what string, present bool, fix string) {
		if used && !present {
			add(gpai.SeverityError, field, "the template asks for "+what+" when this source is used", fix)
		}
	}
	src := inv.Sources
	p := src.PublicDatasets
	need(p.Used, "sources.public_datasets", "the modalities covered", len(p.Modalities) > 0, "list the modalities under modalities")
	need(p.Used, "sources.public_datasets", "the large publicly available datasets or a description of the others", len(p.Large) > 0 || strings.TrimSpace(p.Others) != "", "list the large datasets (name and link) under large, and describe the rest under others")
	for i, ds := range p.Large {
		if ds.URL == "" && ds.Description == "" {
			add(gpai.SeverityError, fmt.Sprintf("sources.public_datasets.large[%d]", i), fmt.Sprintf("dataset %q has neither a link nor a description", ds.Name), "give its url, or a description where there is no link")
		}
	}
	need(src.Licensed.Used, "sources.licensed", "the modalities covered by licensing agreements", len(src.Licensed.Modalities) > 0, "list them under modalities")
	op := src.OtherPrivate
	need(op.Used, "sources.other_private", "the modalities covered", len(op.Modalities) > 0, "list them under modalities")
	need(op.Used, "sources.other_private", "the publicly known datasets or a general description", len(op.Known) > 0 || strings.TrimSpace(op.Description) != "", "list known datasets under known, or describe them under description")
	c := src.Crawled
	need(c.Used, "sources.crawled", "the crawlers' names", len(c.Crawlers) > 0, "list each crawler under crawlers with its name")
	need(c.Used, "sources.crawled", "the crawlers' purposes", strings.TrimSpace(c.Purposes) != "" || anyPurpose(c.Crawlers), "state the purposes")
	need(c.Used, "sources.crawled", "a description of the crawlers' behaviour (robots.txt, captchas, paywalls)", strings.TrimSpace(c.Behaviour) != "", "describe it under behaviour")
	need(c.Used, "sources.crawled", "the period of data collection", c.Period != nil, "give period.from and period.to as YYYY-MM")
	need(c.Used, "sources.crawled", "a comprehensive description of the content and sources crawled", strings.TrimSpace(c.Content) != "", "describe it under content")
	need(c.Used, "sources.crawled", "the modalities crawled", len(c.Modalities) > 0, "list them under modalities")
	need(c.Used, "sources.crawled", "the most relevant domain names", len(c.Statistics) > 0 || c.DomainListURL != "", "name the crawl statistics (gpai crawlstats --out stats.json) under statistics, so gpai can compute the domain list")
	if c.Period != nil && c.Period.From != "" && c.Period.To != "" && c.Period.To < c.Period.From {
		add(gpai.SeverityError, "sources.crawled.period", "the collection period ends before it starts", "correct from or to")
	}
	for i, st := range c.Statistics {
		if _, err := os.Stat(filepath.Join(d.Dir, st)); err != nil {
			add(gpai.SeverityError, fmt.Sprintf("sources.crawled.statistics[%d]", i), fmt.Sprintf("crawl statistics %s cannot be read", st), "run gpai crawlstats MANIFEST... --out "+st+", or correct the path (relative to the dossier)")
		}
	}
	u := src.UserData
	need(u.ModelInteractions || u.OtherServices, "sources.user_data", "a description of the services that collected the data", strings.TrimSpace(u.Description) != "", "describe them under description")
	sy := src.Synthetic
	need(sy.Used, "sources.synthetic", "the models that generated the data", len(sy.Models) > 0 || strings.TrimSpace(sy.OtherModels) != "", "name the models under models (with links to their summaries) or describe them under other_models")
	need(src.Other.Used, "sources.other", "a narrative description", strings.TrimSpace(src.Other.Description) != "", "describe the sources under description")
	for _, sec := range []struct {
		field string
		used  bool
		extra bool
	}{
		{"sources.public_datasets", p.Used, len(p.Large) > 0 || p.Others != ""},
		{"sources.other_private", op.Used, len(op.Known) > 0 || op.Description != ""},
		{"sources.crawled", c.Used, len(c.Crawlers) > 0 || c.Content != ""},
		{"sources.synthetic", sy.Used, len(sy.Models) > 0 || sy.OtherModels != ""},
	} {
		if !sec.used && sec.extra {
			add(gpai.SeverityWarning, sec.field+".used", "the source is marked unused but described", "set used: true, or remove the details")
		}
	}
	for m, dm := range inv.General.Modalities {
		field := "general.modalities." + m
		count, ok := dm.Size.Count(m)
		switch {
		case m == "other" && dm.Size.Value == 0:
			add(gpai.SeverityError, field+".size", "another modality needs its size in a unit of its own", "give size.value and size.unit")
		case m != "other" && !ok && dm.Size.Band == "" && dm.Size.Value == 0:
			add(gpai.SeverityError, field+".size", "the training-data size is missing", fmt.Sprintf("give the count (size.%s) or the template band (size.band: small, medium or large)", gpai.SizeBands[m].Unit))
		case ok && dm.Size.Band != "":
			if band, label, _ := gpai.Band(m, count); band != dm.Size.Band {
				add(gpai.SeverityError, field+".size.band", fmt.Sprintf("band %q contradicts the count %s %s, which is %q (%s)", dm.Size.Band, gpai.FormatCount(count), gpai.SizeBands[m].Unit, band, label), "remove the band (gpai derives it) or correct the count")
			}
		}
		if m == "other" && dm.Description == "" {
			add(gpai.SeverityError, field+".description", "another modality must be specified", "say what the modality is under description")
		}
	}
	if f := d.Facts; f != nil && f.Dates.EUPlacement != nil && inv.General.LatestAcquisition != "" {
		if inv.General.LatestAcquisition > f.Dates.EUPlacement.Format("2006-01") && !inv.General.ContinuouslyTrained {
			add(gpai.SeverityWarning, "general.latest_acquisition", "data was acquired after the model's placement on the market although the model is not said to be continuously trained", "correct the date, or set continuously_trained: true")
		}
	}
	// The summary's sizes and the Model Documentation Form's data points
	// describe the same training data.
	if d.Files[gpai.DocumentationFile] {
		var doc gpai.Documentation
		if _, err := dossier.LoadFile(d.Dir, gpai.DocumentationFile, &doc); err == nil && doc.Data.Points != nil && doc.Data.Points.Training != nil {
			unit := strings.ToLower(strings.TrimSpace(doc.Data.Points.Unit))
			for m, dm := range inv.General.Modalities {
				b, ok := gpai.SizeBands[m]
				if !ok || b.Unit != unit {
					continue
				}
				want, wantLabel, _ := gpai.Band(m, doc.Data.Points.Training.Value)
				got := dm.Size.Band
				if c, ok := dm.Size.Count(m); ok {
					got, _, _ = gpai.Band(m, c)
				}
				if got != "" && got != want {
					add(gpai.SeverityError, "general.modalities."+m+".size", fmt.Sprintf("the %s size band %q contradicts documentation.yaml's %s training %s (item 32), which is %q (%s)", m, got, doc.Data.Points.Training.Scientific(), unit, want, wantLabel), "make data.yaml and documentation.yaml describe the same training data")
				}
			}
		}
	}
	// A built summary must reflect the current inputs.
	if b, err := os.ReadFile(filepath.Join(d.Dir, gpai.SummaryJSON)); err == nil {
		var built struct {
			Inputs map[string]string `json:"inputs"`
		}
		if err := json.Unmarshal(b, &built); err != nil || built.Inputs == nil {
			out = append(out, gpai.Finding{Severity: gpai.SeverityError, Rule: ruleSummary, Citation: citeTemplate, Pos: gpai.Position{File: filepath.Join(d.Dir, gpai.SummaryJSON)},
				Message: "the built summary cannot be read", Fix: "rebuild it with gpai summary build " + d.Dir})
		} else {
			for name, sum := range built.Inputs {
				cur, err := fileSHA256(filepath.Join(d.Dir, name))
				if err != nil || cur != sum {
					out = append(out, gpai.Finding{Severity: gpai.SeverityError, Rule: "SUMMARY-STALE", Citation: citeTemplate, Pos: gpai.Position{File: filepath.Join(d.Dir, gpai.SummaryJSON)},
						Message: fmt.Sprintf("the published summary is stale: %s changed since it was built", name), Fix: "rebuild and republish it: gpai summary build " + d.Dir})
				}
			}
		}
	}
	return out
}

func anyPurpose(cs []gpai.Crawler) bool {
	for _, c := range cs {
		if strings.TrimSpace(c.Purpose) != "" {
			return true
		}
	}
	return false
}

// fileSHA256 returns the hex SHA-256 of the file's content.
func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}
