package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gpai-project/gpai"
)

var funcs = template.FuncMap{
	// count writes n with the singular or the plural noun: "1 error",
	// "2 errors".
	"count": func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2 Jan 2006")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2 Jan 2006 15:04 UTC")
	},
	"kindName":   kindName,
	"statusName": statusName,
	"lines":      func(s string) []string { return strings.Split(s, "\n") },
	"join":       strings.Join,
}

func kindName(k gpai.CaseKind) string {
	switch k {
	case gpai.CaseComplaint:
		return "Copyright complaint"
	case gpai.CaseReservation:
		return "Rights reservation or objection"
	case gpai.CaseInformation:
		return "Request for information"
	case gpai.CaseDownstream:
		return "Downstream provider's request"
	case gpai.CaseAuthority:
		return "Authority request"
	}
	return string(k)
}

func statusName(s gpai.CaseStatus) string {
	switch s {
	case gpai.CaseReceived:
		return "Received"
	case gpai.CaseAcknowledged:
		return "Acknowledged"
	case gpai.CaseInReview:
		return "In review"
	case gpai.CaseResolved:
		return "Resolved"
	case gpai.CaseRejected:
		return "Rejected"
	case gpai.CaseManifestlyUnfounded:
		return "Rejected as manifestly unfounded"
	}
	return string(s)
}

func (s *Server) parseTemplates() error {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	s.pages = make(map[string]*template.Template)
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return fmt.Errorf("web: parse %s: %w", base, err)
		}
		s.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return nil
}

// render writes page with data, adding the fields every page uses.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data map[string]any) {
	t := s.pages[page]
	if t == nil {
		s.Error(w, r, fmt.Errorf("web: no page %q", page))
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	data["Provider"] = s.Config.Provider
	data["Now"] = s.Now()
	if _, ok := data["User"]; !ok {
		data["User"] = (*gpai.User)(nil)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.Error(w, r, fmt.Errorf("web: render %s: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
