//go:build re2_cgo

package main

// regexBuild says how the regex engine was linked.
const regexBuild = "cgo (re2_cgo: the system's libre2)"
