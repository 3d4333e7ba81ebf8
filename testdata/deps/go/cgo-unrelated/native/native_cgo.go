//go:build cgo

// Package native adds in C when cgo is enabled.
package native

// static int add(int a, int b) { return a + b; }
import "C"

// Add returns a+b, computed in C.
func Add(a, b int) int { return int(C.add(C.int(a), C.int(b))) }
