// Command cgo-needed reaches a vulnerable symbol (GO-2021-0113) only through
// the Go code of a cgo file: the audit must analyse it with cgo.
package main

import (
	"fmt"

	"example.com/cgo-needed/native"
)

func main() {
	fmt.Println(native.Tag("en-US"))
}
