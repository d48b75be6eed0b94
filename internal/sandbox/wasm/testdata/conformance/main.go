// Command conformance is the WASI module the engine conformance suite
// (sandboxtest.RunModule) runs: the test copies it under each handler name
// the suite uses, and it does what that handler does (argv[0] is the
// handler). Build it with GOOS=wasip1 GOARCH=wasm.
package main

import (
	"encoding/json"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

func main() {
	event, _ := io.ReadAll(os.Stdin)
	handler := path.Base(os.Args[0])
	switch handler {
	case "index.echo":
		os.Stdout.Write(event)
	case "index.context":
		num := func(name string) float64 { n, _ := strconv.Atoi(os.Getenv(name)); return float64(n) }
		json.NewEncoder(os.Stdout).Encode(map[string]any{
			"requestId": os.Getenv("FC_REQUEST_ID"), "functionName": os.Getenv("FC_FUNCTION_NAME"),
			"handler": os.Getenv("FC_FUNCTION_HANDLER"), "memory": num("FC_FUNCTION_MEMORY_SIZE"),
			"timeout": num("FC_TIMEOUT"), "qualifier": os.Getenv("FC_QUALIFIER"),
			"versionId": os.Getenv("FC_VERSION_ID"), "region": os.Getenv("FC_REGION"),
			"accountId": os.Getenv("FC_ACCOUNT_ID"),
		})
	case "index.logs":
		prefix := time.Now().UTC().Format(time.RFC3339Nano) + " " + os.Getenv("FC_REQUEST_ID")
		os.Stderr.WriteString("log line\nwarn line\n" + prefix + " [ERROR] error line\n" + prefix + " [INFO] logger line\n")
		os.Stdout.WriteString("logged")
	case "index.tagged":
		tag := strings.TrimSpace(string(event))
		os.Stderr.WriteString("tag-" + tag + " one\n")
		time.Sleep(10 * time.Millisecond) // let the others' lines interleave
		os.Stderr.WriteString("tag-" + tag + " two\n")
		os.Stdout.WriteString(tag)
	case "index.sleep":
		ms, _ := strconv.Atoi(strings.TrimSpace(string(event)))
		time.Sleep(time.Duration(ms) * time.Millisecond)
	default:
		os.Stderr.WriteString("no handler " + handler + "\n")
		os.Exit(2)
	}
}
