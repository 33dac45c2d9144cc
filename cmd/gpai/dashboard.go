package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/check"
	"github.com/gpai-project/gpai/web"
)

// dashboardEvery is how often the dashboard looks at a dossier's files to
// see whether they changed.
const dashboardEvery = 10 * time.Second

// dashboard computes the staff dashboard's reports of the dossiers given
// to gpai serve, with the code of gpai scope and gpai check, and caches
// each until one of its files changes.
type dashboard struct {
	dirs  []string
	sf    scopeFlags       // the rulebook (GPAI_RULEBOOK) and the day, as gpai scope reads them
	now   func() time.Time // nil is time.Now
	every time.Duration    // how long a report is served without looking at the files

	mu    sync.Mutex
	cache map[string]*dashboardEntry
}

type dashboardEntry struct {
	fp      string    // fingerprint of the files and day the report is of
	looked  time.Time // when the files were last looked at
	report  web.DossierReport
	checked int // how many times the dossier was checked, for tests
}

func newDashboard(dirs []string, getenv func(string) string) *dashboard {
	return &dashboard{dirs: dirs, sf: scopeFlags{getenv: getenv}, every: dashboardEvery, cache: map[string]*dashboardEntry{}}
}

// Reports returns the report of every dossier, in the order given. A
// dossier that cannot be loaded or checked has its error in the report.
func (d *dashboard) Reports(ctx context.Context) ([]web.DossierReport, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]web.DossierReport, 0, len(d.dirs))
	for _, dir := range d.dirs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, d.report(ctx, dir))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// report returns dir's cached report if its files were looked at less
// than d.every ago or have not changed since; otherwise it checks the
// dossier again. d.mu is held.
func (d *dashboard) report(ctx context.Context, dir string) web.DossierReport {
	now := time.Now()
	if d.now != nil {
		now = d.now()
	}
	e := d.cache[dir]
	if e != nil && now.Sub(e.looked) < d.every && now.Sub(e.looked) >= 0 {
		return e.report
	}
	day, err := d.sf.day()
	if err != nil {
		day = gpai.Today(time.Now)
	}
	// The day is part of the fingerprint: statuses such as overdue
	// change at midnight without any file changing.
	fp := d.fingerprint(dir, day)
	if e != nil && e.fp == fp {
		e.looked = now
		return e.report
	}
	r := d.check(ctx, dir)
	r.CheckedAt = now
	if ctx.Err() != nil {
		return r // cut short: not the dossier's state, so not kept
	}
	if e == nil {
		e = &dashboardEntry{}
		d.cache[dir] = e
	}
	e.fp, e.looked, e.report = fp, now, r
	e.checked++
	return e.report
}

// check assesses and checks the dossier in dir as gpai scope and gpai
// check do.
func (d *dashboard) check(ctx context.Context, dir string) web.DossierReport {
	r := web.DossierReport{Dir: dir}
	dos, s, err := d.sf.assess(dir)
	if err != nil {
		r.Error = errorText(err)
		return r
	}
	r.Model, r.AsOf, r.Rulebook, r.Classification, r.Obligations = s.Model, s.AsOf, s.Rulebook, s.Classification, s.Obligations
	findings, err := check.Run(ctx, dos, s, check.Validators())
	if err != nil {
		r.Error = errorText(err)
		return r
	}
	r.Findings = findings
	return r
}

// errorText returns what a user should read of err: the message of a
// *gpai.Error, every problem of gpai.Problems, or the error's text.
func errorText(err error) string {
	var probs gpai.Problems
	if errors.As(err, &probs) {
		return probs.Error()
	}
	if gpai.ErrorCode(err) != gpai.EINTERNAL {
		return gpai.ErrorMessage(err)
	}
	return err.Error()
}

// fingerprint returns dossierStamp's fingerprint of dir combined with the
// path, size and modification time of the rulebook layer files.
func (d *dashboard) fingerprint(dir string, day gpai.Date) string {
	h := sha256.New()
	fmt.Fprintf(h, "dossier %s\n", dossierStamp(dir, day))
	if d.sf.getenv != nil {
		for _, f := range strings.Split(d.sf.getenv("GPAI_RULEBOOK"), ":") {
			if info, err := os.Stat(f); err == nil {
				fmt.Fprintf(h, "rulebook %q %d %d\n", f, info.Size(), info.ModTime().UnixNano())
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
