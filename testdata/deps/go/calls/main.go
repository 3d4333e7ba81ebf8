// Command calls parses a language tag with golang.org/x/text/language, so
// govulncheck sees a call to a vulnerable symbol (GO-2021-0113).
package main

import (
	"fmt"

	"golang.org/x/text/language"
)

func main() {
	tag, err := language.Parse("en-US")
	fmt.Println(tag, err)
}
