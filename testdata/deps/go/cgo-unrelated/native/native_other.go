//go:build !cgo

// Package native adds in Go when cgo is disabled.
package native

// Add returns a+b.
func Add(a, b int) int { return a + b }
