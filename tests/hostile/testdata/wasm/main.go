// Command wasm is the suite's hostile WebAssembly function (WASI preview
// 1, built by the test with GOOS=wasip1 GOARCH=wasm). The event says what
// it does:
//
//	loop  spin forever, calling nothing
//	hog   allocate and touch memory until it cannot grow
//	else  answer "wasm <event>"
package main

import (
	"io"
	"os"
	"strings"
)

// sink and hogged keep the work from being optimised away.
var (
	sink   int
	hogged [][]byte
)

func main() {
	event, _ := io.ReadAll(os.Stdin)
	switch cmd := strings.TrimSpace(string(event)); cmd {
	case "loop":
		for i := 0; ; i++ {
			sink = i
		}
	case "hog":
		for {
			b := make([]byte, 1<<20)
			for i := 0; i < len(b); i += 4096 {
				b[i] = 1
			}
			hogged = append(hogged, b)
		}
	default:
		os.Stdout.WriteString("wasm " + cmd)
	}
}
