// Command requires lists golang.org/x/text in go.mod but imports none of
// its packages: its advisories are required-only.
package main

import "fmt"

func main() { fmt.Println("hello") }
