//go:build !cgo

// Package native without cgo only names the language package.
package native

import "golang.org/x/text/language"

// Tag returns s unparsed.
func Tag(s string) string {
	_ = language.Und
	return s
}
