package aipref

import (
	"fmt"
	"strings"
)

// Preference is the state of one usage category.
type Preference int

// The states of a usage category. The zero value is Unknown.
const (
	// Unknown means no preference was stated, or it was stated in a form
	// the vocabulary does not recognise.
	Unknown Preference = iota
	// Allow is the Token y, or the Content-Signal value yes.
	Allow
	// Disallow is the Token n, or the Content-Signal value no.
	Disallow
)

// String returns "unknown", "allow" or "disallow".
func (p Preference) String() string {
	switch p {
	case Allow:
		return "allow"
	case Disallow:
		return "disallow"
	}
	return "unknown"
}

// Combine returns the combination of preferences for one category as the
// vocabulary's section 5.1 defines it: Disallow if any is Disallow, else
// Allow if any is Allow, else Unknown.
func Combine(prefs ...Preference) Preference {
	out := Unknown
	for _, p := range prefs {
		if p == Disallow {
			return Disallow
		}
		if p == Allow {
			out = Allow
		}
	}
	return out
}

// Category labels of the current vocabulary (draft-ietf-aipref-vocab-07).
// Labels are case-sensitive.
const (
	// TrainAI is "AI Model Training": using an asset to change the learned
	// parameters of an AI model that generates synthetic content.
	TrainAI = "train-ai"
	// Search is use in an application whose main purpose is to find
	// assets and send users to them, with links and relevance-only
	// excerpts but no generated summaries.
	Search = "search"
)

// Known reports whether label is a category of the current vocabulary.
// Unknown labels must be ignored, so Decide gives them no meaning.
func Known(label string) bool {
	return label == TrainAI || label == Search
}

// Source identifies where a statement was found.
type Source int

// The sources of statements.
const (
	SourceNone          Source = iota
	SourceHeader               // Content-Usage HTTP response header field
	SourceRobots               // Content-Usage rule in robots.txt
	SourceContentSignal        // Content-Signal line in robots.txt
)

var sourceNames = [...]string{"none", "content-usage header", "robots.txt content-usage", "robots.txt content-signal"}

// String returns a short description of the source.
func (s Source) String() string {
	if s < 0 || int(s) >= len(sourceNames) {
		return "unknown"
	}
	return sourceNames[s]
}

// SyntaxError reports a value that could not be parsed.
type SyntaxError struct {
	Line   int    // robots.txt line, or 0 for a header field
	Offset int    // byte offset in Value
	Value  string // the value parsed
	Msg    string
}

// Error returns a message of the form "aipref: line 3: offset 9: ...".
func (e *SyntaxError) Error() string {
	s := "aipref: "
	if e.Line > 0 {
		s += fmt.Sprintf("line %d: ", e.Line)
	}
	return s + fmt.Sprintf("offset %d: %s in %q", e.Offset, e.Msg, e.Value)
}

// Purpose is a use of content that a caller asks about. Each purpose maps
// onto the categories and signals that speak to it:
//
//	purpose              AIPREF (vocab -07)   Content-Signal
//	PurposeTrainGenAI    train-ai             ai-train
//	PurposeTrainAI       (none)               ai-train
//	PurposeAIInput       (none)               ai-input
//	PurposeSearch        search               search
//
// train-ai covers only models that generate synthetic content, so it says
// nothing about training other models; Content-Signal's ai-train covers
// training or fine-tuning any AI model.
type Purpose int

// Purposes.
const (
	// PurposeTrainGenAI is training or fine-tuning a model that generates
	// synthetic content (text, images, audio, video, code).
	PurposeTrainGenAI Purpose = iota + 1
	// PurposeTrainAI is training or fine-tuning any other AI model, such
	// as a classifier.
	PurposeTrainAI
	// PurposeAIInput is feeding content to a model at answer time:
	// retrieval-augmented generation, grounding, generated search answers.
	PurposeAIInput
	// PurposeSearch is building a search index and showing results with
	// links and short excerpts, without generated summaries.
	PurposeSearch
)

var purposeNames = [...]string{"", "train-genai", "train-ai", "ai-input", "search"}

// String returns a short name for the purpose.
func (p Purpose) String() string {
	if p <= 0 || int(p) >= len(purposeNames) {
		return "unknown"
	}
	return purposeNames[p]
}

// label returns the AIPREF label for a purpose, or "".
func (p Purpose) label() string {
	switch p {
	case PurposeTrainGenAI:
		return TrainAI
	case PurposeSearch:
		return Search
	}
	return ""
}

// signal returns the Content-Signal key for a purpose, or "".
func (p Purpose) signal() string {
	switch p {
	case PurposeTrainGenAI, PurposeTrainAI:
		return SignalAITrain
	case PurposeAIInput:
		return SignalAIInput
	case PurposeSearch:
		return SignalSearch
	}
	return ""
}

// Evidence is one key of one statement that speaks to a purpose.
type Evidence struct {
	Source     Source
	Key        string     // the label or signal key as written
	Preference Preference // Unknown when the value was not recognised
	Value      string     // the key's value as written
	Raw        string     // the whole field value or robots.txt line value
	Line       int        // robots.txt line, or 0
	Path       string     // robots.txt path scope, or ""
}

// A Statement is a parsed preference that can speak to a purpose:
// a *Usage or a *Signal.
type Statement interface {
	// Evidence returns the keys of the statement that speak to p.
	Evidence(p Purpose) []Evidence
}

// Verdict is the combined answer of several statements for one purpose.
type Verdict struct {
	Preference Preference
	// Evidence lists every key that speaks to the purpose, in argument
	// order, including keys with an Unknown preference. The ones whose
	// Preference equals the verdict's decided it.
	Evidence []Evidence
}

// Decide combines the statements' preferences for p, most restrictive
// first: any Disallow gives Disallow, else any Allow gives Allow, else
// Unknown. An explicit Allow never overrides a Disallow from another
// statement. Nil statements are skipped.
func Decide(p Purpose, stmts ...Statement) Verdict {
	var v Verdict
	for _, s := range stmts {
		if s == nil {
			continue
		}
		for _, e := range s.Evidence(p) {
			v.Preference = Combine(v.Preference, e.Preference)
			v.Evidence = append(v.Evidence, e)
		}
	}
	return v
}

// trimWS trims spaces and tabs.
func trimWS(s string) string { return strings.Trim(s, " \t") }
