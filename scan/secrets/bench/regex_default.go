//go:build !re2_cgo

package main

// regexBuild says how the regex engine was linked.
const regexBuild = "default (WebAssembly for gore2regex)"
