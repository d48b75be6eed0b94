// Command main is the WebAssembly hello function of the cold-start
// benchmark: it answers the wall-clock time (µs) at which it was called.
package main

import (
	"fmt"
	"time"
)

func main() { fmt.Printf(`{"calledUs": %d}`, time.Now().UnixMicro()) }
