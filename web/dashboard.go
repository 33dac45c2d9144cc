package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gpai-project/gpai"
)

// A DossierReport is the state of one model's dossier for the staff
// dashboard: its scope classification, the obligations that apply and the
// findings of gpai check, as of CheckedAt. A dossier that could not be
// loaded or checked has Error set and the other results empty.
type DossierReport struct {
	// Dir is the dossier folder as the server was given it.
	Dir            string                  `json:"dir"`
	Model          gpai.ModelRef           `json:"model"`
	AsOf           gpai.Date               `json:"asOf"`
	Rulebook       string                  `json:"rulebook,omitempty"`
	Classification gpai.Classification     `json:"classification"`
	Obligations    []gpai.ObligationStatus `json:"obligations"`
	Findings       []gpai.Finding          `json:"findings"`
	CheckedAt      time.Time               `json:"checkedAt"`
	// Error says why the dossier could not be loaded or checked.
	Error string `json:"error,omitempty"`
}

// Name returns the model's name, or the folder if the dossier did not load.
func (d *DossierReport) Name() string {
	if d.Model.Name != "" {
		return d.Model.Name
	}
	return d.Dir
}

// Counts returns the number of findings of each severity.
func (d *DossierReport) Counts() (errors, warnings, infos int) {
	return gpai.CountFindings(d.Findings)
}

// Overdue returns the number of overdue obligations.
func (d *DossierReport) Overdue() int {
	n := 0
	for _, o := range d.Obligations {
		if o.Status == gpai.StatusOverdue {
			n++
		}
	}
	return n
}

// obligationRank orders obligation statuses on the dashboard: what needs
// action first, what is done last.
var obligationRank = map[string]int{
	gpai.StatusOverdue:  0,
	gpai.StatusUnknown:  1,
	gpai.StatusUpcoming: 2,
	gpai.StatusOnEvent:  3,
	gpai.StatusOngoing:  4,
	gpai.StatusMet:      5,
}

// sortObligations orders obligations overdue first, then by status rank,
// then by due date (undated last), then by rule.
func sortObligations(obs []gpai.ObligationStatus) {
	slices.SortStableFunc(obs, func(a, b gpai.ObligationStatus) int {
		if c := cmp.Compare(obligationRank[a.Status], obligationRank[b.Status]); c != 0 {
			return c
		}
		switch {
		case a.Due != nil && b.Due == nil:
			return -1
		case a.Due == nil && b.Due != nil:
			return 1
		case a.Due != nil && b.Due != nil:
			if c := a.Due.Compare(b.Due.Time); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Rule, b.Rule)
	})
}

func (s *Server) registerDashboardRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /staff/dossiers", s.staff(s.handleDossiers))
	mux.HandleFunc("GET /api/dossiers", s.api(ScopeCasesRead, s.handleAPIDossiers))
}

// dossiers returns the reports of every dossier, each with its
// obligations sorted overdue first; nil if none is configured.
func (s *Server) dossiers(r *http.Request) ([]DossierReport, error) {
	if s.Dossiers == nil {
		return nil, nil
	}
	reports, err := s.Dossiers(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]DossierReport, len(reports))
	for i, d := range reports {
		d.Obligations = slices.Clone(d.Obligations)
		sortObligations(d.Obligations)
		if d.Obligations == nil {
			d.Obligations = []gpai.ObligationStatus{}
		}
		if d.Findings == nil {
			d.Findings = []gpai.Finding{}
		}
		out[i] = d
	}
	return out, nil
}

// dossierView is one dossier as the dashboard page shows it.
type dossierView struct {
	*DossierReport
	Anchor                  string
	Errors, Warnings, Infos int
	OverdueCount            int
	Answers                 []answer
}

// answer is one classification question with its answer.
type answer struct {
	Question string
	Yes      bool
}

func (s *Server) handleDossiers(w http.ResponseWriter, r *http.Request, u *gpai.User) {
	reports, err := s.dossiers(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	views := make([]dossierView, len(reports))
	for i := range reports {
		d := &reports[i]
		v := dossierView{DossierReport: d, Anchor: "dossier-" + strconv.Itoa(i+1), OverdueCount: d.Overdue()}
		v.Errors, v.Warnings, v.Infos = d.Counts()
		c := d.Classification
		v.Answers = []answer{{"General-purpose AI model", c.GPAI}, {"Provider of this model", c.Provider},
			{"Systemic risk", c.SystemicRisk}, {"Open-source exempt", c.OpenSourceExempt}}
		views[i] = v
	}
	s.render(w, r, http.StatusOK, "dossiers", map[string]any{"Title": "Dossiers", "User": u,
		"Dossiers": views, "Configured": s.Dossiers != nil})
}

func (s *Server) handleAPIDossiers(w http.ResponseWriter, r *http.Request, t *gpai.Token) {
	reports, err := s.dossiers(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if reports == nil {
		reports = []DossierReport{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"dossiers": reports})
}
