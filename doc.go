// Package gpai is the domain of gpai, a compliance toolkit for providers of
// general-purpose AI models under the EU AI Act (Regulation (EU) 2024/1689,
// Articles 51 to 56) and the General-Purpose AI Code of Practice.
//
// A dossier is a folder of YAML files kept beside a model's code: gpai.yaml
// holds the model's facts, and later files hold its documentation, data
// inventory, copyright policy and safety material. The rulebook states the
// law as data: each rule has an identifier, a citation, a period of effect,
// a condition and what it demands. Scope assessment applies the rulebook to
// a model's facts as of a date; a check validates the dossier against the
// obligations that apply and reports findings.
//
// This package holds only plain types and pure functions. Adapters that
// read files, render documents or serve HTTP live in the packages below it.
package gpai
