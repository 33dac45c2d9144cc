package check

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/yamldoc"
)

// Copyright validates copyright.yaml against the Copyright chapter: a
// responsible person, procedures, robots.txt obeyed, every crawler with a
// product token, training crawlers separate from search crawlers, piracy
// lists readable, a point of contact, and an acceptable-use prohibition
// of infringing uses.
type Copyright struct{}

// Name returns "copyright".
func (Copyright) Name() string { return "copyright" }

// Validate implements gpai.Validator.
func (Copyright) Validate(_ context.Context, d *gpai.Dossier, s *gpai.Scope) ([]gpai.Finding, error) {
	if !d.Files[gpai.CopyrightFile] {
		return nil, nil
	}
	var c gpai.Copyright
	yd, err := dossier.LoadFile(d.Dir, gpai.CopyrightFile, &c)
	if err != nil {
		return nil, err
	}
	return CopyrightFindings(d, s, yd, &c), nil
}

// CopyrightFindings returns the findings for a parsed copyright.yaml.
func CopyrightFindings(d *gpai.Dossier, s *gpai.Scope, yd *yamldoc.Doc, c *gpai.Copyright) []gpai.Finding {
	var out []gpai.Finding
	add := func(sev gpai.Severity, rule, cite, field, msg, fix string) {
		out = append(out, gpai.Finding{Severity: sev, Rule: rule, Citation: cite, Pos: yd.Pos(field), Field: field, Message: msg, Fix: fix})
	}
	const (
		m11 = "Code of Practice, Copyright, Measure 1.1"
		m12 = "Code of Practice, Copyright, Measure 1.2"
		m13 = "Code of Practice, Copyright, Measure 1.3; RFC 9309"
		m14 = "Code of Practice, Copyright, Measure 1.4"
		m15 = "Code of Practice, Copyright, Measure 1.5"
	)
	p := c.Policy
	roles := map[string]bool{}
	for _, r := range p.Responsible {
		roles[r.Responsibility] = true
	}
	if len(p.Responsible) == 0 {
		add(gpai.SeverityError, "ART53-1C-COPYRIGHT-POLICY", m11, "policy.responsible", "the policy names no one responsible for implementing and overseeing it", "list at least the person responsible for oversight under policy.responsible")
	} else if !roles["oversight"] {
		add(gpai.SeverityWarning, "ART53-1C-COPYRIGHT-POLICY", m11, "policy.responsible", "no one is responsible for overseeing the policy", "give a person the responsibility oversight")
	}
	for field, text := range map[string]string{"sourcing": p.Procedures.Sourcing, "third_party_datasets": p.Procedures.ThirdPartyDatasets, "complaints": p.Procedures.Complaints, "outputs": p.Procedures.Outputs} {
		if strings.TrimSpace(text) == "" {
			add(gpai.SeverityError, "ART53-1C-COPYRIGHT-POLICY", m11, "policy.procedures."+field, "the procedure is empty", "describe it")
		}
	}
	if p.Signals.RobotsTxt.Profile == "google" {
		add(gpai.SeverityWarning, "COPYRIGHT-RESERVATIONS", m13, "policy.signals.robots_txt.profile", "robots.txt is read only as Google's parser reads it, which departs from RFC 9309 where the Code requires the RFC", "use strict (reserved when either reading reserves) or rfc")
	}
	if !p.Signals.TDMRep && !p.Signals.AIPreferences && !p.Signals.NoAI && len(p.Signals.Other) == 0 {
		add(gpai.SeverityWarning, "COPYRIGHT-RESERVATIONS", m13, "policy.signals", "only robots.txt is obeyed; the Code also asks for other appropriate machine-readable protocols", "obey TDMRep, the IETF AI preferences and noai too (gpai's engine reads them all)")
	}
	for i, l := range p.PiracyLists {
		if l.File == "" {
			continue
		}
		path := l.File
		if !filepath.IsAbs(path) {
			path = filepath.Join(d.Dir, path)
		}
		if _, err := os.Stat(path); err != nil {
			add(gpai.SeverityError, "COPYRIGHT-LAWFUL-ACCESS", m12, fmt.Sprintf("policy.piracy_lists[%d].file", i), fmt.Sprintf("piracy list file %s cannot be read", l.File), "correct the path (relative to the dossier)")
		}
	}
	if len(p.PiracyLists) == 0 && len(c.Crawlers) > 0 {
		add(gpai.SeverityWarning, "COPYRIGHT-LAWFUL-ACCESS", m12, "policy", "no list of persistently infringing sites is in force although the provider crawls", "name the lists the crawlers exclude under policy.piracy_lists")
	}
	if strings.TrimSpace(p.AccessControls) == "" && len(c.Crawlers) > 0 {
		add(gpai.SeverityWarning, "COPYRIGHT-LAWFUL-ACCESS", m12, "policy", "the policy does not say how paywalls and logins are respected", "describe it under policy.access_controls")
	}
	tokens := map[string][]int{}
	for i, cr := range c.Crawlers {
		field := fmt.Sprintf("crawlers[%d]", i)
		if strings.TrimSpace(cr.ProductToken) == "" {
			add(gpai.SeverityError, "COPYRIGHT-RESERVATIONS", m13, field+".product_token", fmt.Sprintf("crawler %s has no product token, so no robots.txt group can name it", cr.Name), "give it a token of letters, '-' and '_' (RFC 9309)")
			continue
		}
		if !strings.Contains(strings.ToLower(cr.UserAgent), strings.ToLower(cr.ProductToken)) {
			add(gpai.SeverityError, "COPYRIGHT-RESERVATIONS", m13, field+".user_agent", fmt.Sprintf("the user agent does not contain the product token %s (RFC 9309 §2.2.1)", cr.ProductToken), "include the token in the User-Agent string")
		}
		if cr.OptOut == "" {
			add(gpai.SeverityWarning, "COPYRIGHT-RESERVATIONS", m13, field+".opt_out", fmt.Sprintf("crawler %s does not say how to opt out", cr.Name), "state how, e.g. a robots.txt group for the token")
		}
		if cr.Verification == "" && len(cr.IPRanges) == 0 {
			add(gpai.SeverityWarning, "COPYRIGHT-RESERVATIONS", m13, field+".verification", fmt.Sprintf("sites cannot verify that a visitor is really %s", cr.Name), "publish IP ranges or a reverse-DNS rule")
		}
		tokens[strings.ToLower(cr.ProductToken)] = append(tokens[strings.ToLower(cr.ProductToken)], i)
	}
	for _, idx := range tokens {
		training, search := -1, -1
		for _, i := range idx {
			if c.Crawlers[i].Has("training") {
				training = i
			}
			if c.Crawlers[i].Has("search") {
				search = i
			}
		}
		if training >= 0 && search >= 0 {
			cr := c.Crawlers[training]
			field := fmt.Sprintf("crawlers[%d].product_token", training)
			msg := fmt.Sprintf("token %s serves both training and search, so a site that opts out of training loses its search presence", cr.ProductToken)
			if training == search {
				msg = fmt.Sprintf("crawler %s serves both training and search under one token, so a site that opts out of training loses its search presence", cr.Name)
			}
			add(gpai.SeverityError, "COPYRIGHT-RESERVATIONS", m13+" (non-penalisation of search indexing)", field, msg, "give the training crawler a token of its own")
		}
	}
	if strings.TrimSpace(c.Contact.Email) == "" {
		add(gpai.SeverityError, "COPYRIGHT-CONTACT", m15, "contact.email", "no electronic point of contact for rights holders", "give an address or form")
	}
	if c.Contact.ComplaintInformation == "" {
		add(gpai.SeverityWarning, "COPYRIGHT-CONTACT", m15, "contact", "rights holders are not told what a complaint must contain and what happens next", "describe it under contact.complaint_information")
	}
	if !c.AcceptableUse.ProhibitsInfringement {
		add(gpai.SeverityError, "COPYRIGHT-OUTPUTS", m14, "acceptable_use.prohibits_infringement", "the acceptable-use terms do not prohibit copyright-infringing uses", "prohibit them in the acceptable-use policy or terms, and set prohibits_infringement: true")
	}
	if s != nil && (s.Classification.OpenSourceExempt || d.Facts.Openness != nil && d.Facts.Openness.WeightsPublic) && c.AcceptableUse.OpenSourceNotice == "" {
		add(gpai.SeverityError, "COPYRIGHT-OUTPUTS", m14, "acceptable_use", "an open-weight model must alert users to the prohibition in the documentation that accompanies it", "write the notice under acceptable_use.open_source_notice")
	}
	if s != nil && s.Classification.Grandfathered && strings.TrimSpace(p.Legacy) == "" {
		add(gpai.SeverityWarning, "NOTE-GRANDFATHERED", "Guidelines §5.3", "policy", "a model placed before 2 August 2025 must disclose and justify what could not be done retroactively", "describe it under policy.legacy")
	}
	return out
}
