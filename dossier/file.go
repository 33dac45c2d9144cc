package dossier

import (
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/schema"
	"github.com/gpai-project/gpai/yamldoc"
)

// LoadFile reads the dossier file name (such as "data.yaml") in dir,
// validates it against its schema and decodes it into v. It returns the
// parsed document for positions. A missing file is a *gpai.Error with code
// ENOTFOUND; invalid content is gpai.Problems.
func LoadFile(dir, name string, v any) (*yamldoc.Doc, error) {
	path := filepath.Join(dir, name)
	data, err := yamldoc.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "%s has no %s", dir, name)
	}
	if err != nil {
		return nil, gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", path, err)
	}
	return ParseFile(path, name, data, v)
}

// ParseFile parses data read from path as the dossier file kind name.
func ParseFile(path, name string, data []byte, v any) (*yamldoc.Doc, error) {
	doc, err := yamldoc.Parse(path, data)
	if err != nil {
		return nil, err
	}
	sch, err := schema.Load(name)
	if err != nil {
		return nil, err
	}
	if probs := sch.Validate(doc); len(probs) > 0 {
		return nil, probs
	}
	if err := doc.Decode(v); err != nil {
		return nil, gpai.Problems{{Pos: doc.Pos(""), Message: err.Error(), Fix: "report this as a bug in gpai"}}
	}
	return doc, nil
}
