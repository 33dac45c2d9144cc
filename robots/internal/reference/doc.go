// Package reference is a frozen copy of the robots package as it was
// before its parser and matcher were rewritten for speed. It is imported
// only by the robots tests, which check that the rewritten package decides
// and parses exactly as this one does. Do not change it.
package reference
