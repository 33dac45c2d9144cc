package sqlite_test

import (
	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/sqlite"
)

var storetestActor = gpai.PublicActor

func open2(db *sqlite.DB) *sqlite.CaseService { return sqlite.NewCaseService(db) }

func storetestCase() *gpai.Case {
	return &gpai.Case{Kind: gpai.CaseInformation, Submitter: gpai.Submitter{Email: "a@example.org"}, Subject: "s", Text: "t"}
}
