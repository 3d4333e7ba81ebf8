// Command cgo-unrelated calls a vulnerable symbol (GO-2021-0113) from its
// own code and uses a package with cgo files that imports nothing
// vulnerable: the audit loads it without cgo and compiles no C.
package main

import (
	"fmt"

	"example.com/cgo-unrelated/native"
	"golang.org/x/text/language"
)

func main() {
	tag, err := language.Parse("en-US")
	fmt.Println(tag, err, native.Add(1, 2))
}
