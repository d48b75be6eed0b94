// Command hello-wasm is the WebAssembly example function: a WASI preview 1
// command that greets the "name" of a JSON event read from stdin, or the
// world. The greeting on stdout is the result; the line on stderr is the
// function's log.
//
// Build it with:
//
//	GOOS=wasip1 GOARCH=wasm go build -o examples/hello-wasm/main.wasm ./examples/hello-wasm
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

func main() {
	event, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "read event:", err)
		os.Exit(1)
	}
	name := nameOf(event)
	fmt.Fprintf(os.Stderr, "greeting %s for request %s\n", name, os.Getenv("FC_REQUEST_ID"))
	fmt.Printf("Hello, %s!", name)
}

// nameOf returns the event's "name", or "world" when there is none.
func nameOf(event []byte) string {
	var ev struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(event, &ev) != nil || ev.Name == "" {
		return "world"
	}
	return ev.Name
}
