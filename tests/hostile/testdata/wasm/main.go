// Command wasm is the suite's hostile WebAssembly function (WASI preview
// 1, built by the test with GOOS=wasip1 GOARCH=wasm). The event says what
// it does:
//
//	loop    spin forever, calling nothing
//	hog     allocate and touch memory until it cannot grow
//	fill N  write 1 MiB blocks into /tmp until an error or N MiB; answer
//	        {"result": "ENOSPC" or the error or "ok", "written": bytes},
//	        then remove the file
//	else    answer "wasm <event>"
package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// sink and hogged keep the work from being optimised away.
var (
	sink   int
	hogged [][]byte
)

func main() {
	event, _ := io.ReadAll(os.Stdin)
	cmd, arg, _ := strings.Cut(strings.TrimSpace(string(event)), " ")
	switch cmd {
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
	case "fill":
		n, _ := strconv.Atoi(arg)
		json.NewEncoder(os.Stdout).Encode(fill(n))
	default:
		os.Stdout.WriteString("wasm " + cmd)
	}
}

type filled struct {
	Result  string `json:"result"`
	Written int64  `json:"written"`
}

func fill(mb int) filled {
	const path = "/tmp/fill"
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return filled{Result: err.Error()}
	}
	defer os.Remove(path)
	defer f.Close()
	block := make([]byte, 1<<20)
	got := filled{Result: "ok"}
	for range mb {
		n, err := f.Write(block)
		got.Written += int64(n)
		if errors.Is(err, syscall.ENOSPC) {
			got.Result = "ENOSPC"
			break
		} else if err != nil {
			got.Result = err.Error()
			break
		}
	}
	return got
}
