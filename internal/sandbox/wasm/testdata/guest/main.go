// Command guest is the WASI module the wasm engine's tests run. The event
// is a command and its argument, and the guest does what it says, hostile
// things included:
//
//	echo TEXT    answer TEXT and log a line with the request id
//	env NAME     answer the variable NAME
//	args         answer the arguments, one a line
//	log N        log N lines, then answer "logged"
//	big N        answer N bytes
//	exit N       exit with code N
//	panic        panic
//	loop         spin forever
//	sleep        sleep for an hour
//	hog          allocate memory until the runtime gives up
//	files        try the file system and answer what worked, one a line
//	fill N       append 1 MiB blocks to /tmp/fill until an error or N MiB;
//	             answer the error (ENOSPC or its text, "ok" for none) and
//	             the bytes written
//	rm NAME      remove /tmp/NAME
//
// Build it with GOOS=wasip1 GOARCH=wasm.
package main

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	event, _ := io.ReadAll(os.Stdin)
	cmd, arg, _ := strings.Cut(strings.TrimSpace(string(event)), " ")
	out := run(cmd, arg)
	os.Stdout.WriteString(out)
}

func run(cmd, arg string) string {
	switch cmd {
	case "echo":
		os.Stderr.WriteString("echo for request " + os.Getenv("FC_REQUEST_ID") + "\n")
		return arg
	case "env":
		return os.Getenv(arg)
	case "args":
		return strings.Join(os.Args, "\n")
	case "log":
		n, _ := strconv.Atoi(arg)
		for i := range n {
			os.Stderr.WriteString("line " + strconv.Itoa(i) + "\n")
		}
		return "logged"
	case "big":
		n, _ := strconv.Atoi(arg)
		return strings.Repeat("x", n)
	case "exit":
		n, _ := strconv.Atoi(arg)
		os.Exit(n)
	case "panic":
		panic("guest panics on purpose")
	case "loop":
		for i := 0; ; i++ {
			sink = i
		}
	case "sleep":
		time.Sleep(time.Hour)
		return "woke up"
	case "hog":
		return hog()
	case "files":
		return files()
	case "fill":
		n, _ := strconv.Atoi(arg)
		return fill(n)
	case "rm":
		if err := os.Remove("/tmp/" + arg); err != nil {
			return err.Error()
		}
		return "removed"
	}
	return "unknown command " + cmd
}

// sink keeps the loop from being optimised away.
var sink int

// hogged keeps every allocation alive.
var hogged [][]byte

func hog() string {
	for {
		b := make([]byte, 1<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		hogged = append(hogged, b)
	}
}

// files tries what a guest may and may not do with files and reports each
// try as "name: ok" or "name: failed (error)".
func files() string {
	tries := []struct {
		name string
		try  func() error
	}{
		{"read /code", func() error { _, err := os.ReadFile("/code/data.txt"); return err }},
		{"read relative", func() error { _, err := os.ReadFile("data.txt"); return err }},
		{"write /code", func() error { return os.WriteFile("/code/new.txt", []byte("x"), 0o644) }},
		{"remove /code", func() error { return os.Remove("/code/data.txt") }},
		{"write /tmp", func() error { return os.WriteFile("/tmp/t.txt", []byte("tmp"), 0o644) }},
		{"read /tmp", func() error { return readBack("/tmp/t.txt", "tmp") }},
		{"read /etc/passwd", func() error { _, err := os.ReadFile("/etc/passwd"); return err }},
		{"list /", func() error { _, err := os.ReadDir("/"); return err }},
		{"symlink /tmp", func() error { return os.Symlink("../../../../../../../../etc", "/tmp/esc") }},
		{"read via symlink", func() error { _, err := os.ReadFile("/tmp/esc/passwd"); return err }},
	}
	var b strings.Builder
	for _, t := range tries {
		b.WriteString(t.name + ": ")
		if err := t.try(); err != nil {
			b.WriteString("failed (" + err.Error() + ")\n")
		} else {
			b.WriteString("ok\n")
		}
	}
	return b.String()
}

func readBack(name, want string) error {
	got, err := os.ReadFile(name)
	if err == nil && string(got) != want {
		err = errors.New("read " + strconv.Quote(string(got)))
	}
	return err
}

func fill(mb int) string {
	f, err := os.OpenFile("/tmp/fill", os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return outcome(err) + " 0"
	}
	defer f.Close()
	block := make([]byte, 1<<20)
	written := 0
	for range mb {
		n, err := f.Write(block)
		written += n
		if err != nil {
			return outcome(err) + " " + strconv.Itoa(written)
		}
	}
	return "ok " + strconv.Itoa(written)
}

func outcome(err error) string {
	if errors.Is(err, syscall.ENOSPC) {
		return "ENOSPC"
	}
	return err.Error()
}
