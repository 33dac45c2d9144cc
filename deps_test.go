package gpai_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/gpai-project/gpai"

// leaves are the protocol and format libraries: the standard library in,
// plain values out, and none of the module's other packages. The map gives
// each one's allowed imports from outside the standard library.
var leaves = map[string][]string{
	"expr":     nil,
	"robots":   nil,
	"tdmrep":   nil,
	"aipref":   nil,
	"noai":     nil,
	"htmlmeta": {"golang.org/x/net/html"},
	"cdx":      nil,
	"warc":     nil,
	"evallog":  nil,
	"forecast": nil,

	"internal/pathpattern": nil,
	"ccparquet":            {"github.com/parquet-go/parquet-go"},
}

// TestImportRules enforces the layering of STYLE.md: the domain imports only
// the standard library and the expression language; leaves import no other
// package of the module; only cmd/gpai imports cmd-level adapters.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/"), fields[1:]
		for _, imp := range imports {
			std := !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".")
			own := strings.HasPrefix(imp, module)
			switch {
			case pkg == module || pkg == "":
				if !std && imp != module+"/expr" {
					t.Errorf("the domain package imports %s; it may import only the standard library and expr", imp)
				}
			case hasKey(leaves, pkg):
				ok := std
				for _, allowed := range leaves[pkg] {
					ok = ok || strings.HasPrefix(imp, allowed)
				}
				// The one shared piece of the leaves: the robots.txt path
				// patterns TDMRep and the AI preferences reuse.
				if own && imp == module+"/internal/pathpattern" {
					ok = true
				} else if own {
					ok = false
				}
				if !ok {
					t.Errorf("leaf package %s imports %s", pkg, imp)
				}
			}
			if own && strings.HasPrefix(imp, module+"/cmd") {
				t.Errorf("%s imports a command package %s", pkg, imp)
			}
		}
	}
}

func hasKey(m map[string][]string, k string) bool {
	_, ok := m[k]
	return ok
}
