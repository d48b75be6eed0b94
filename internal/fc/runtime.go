package fc

import "strings"

// Kind is the family a runtime belongs to; it decides how an instance starts.
type Kind int

// Runtime kinds.
const (
	KindUnknown Kind = iota
	KindNode         // Yun's Node.js bootstrap calls handler(event, context)
	KindPython       // Yun's Python bootstrap calls handler(event, context)
	KindCustom       // the user's own HTTP server (custom runtime contract)
	KindWasm         // a WASI preview 1 module run by wazero
)

// knownRuntimes lists every runtime name FC 3.0 documents, with its kind where
// Yun can run it. Names of kind KindUnknown are known but never available.
var knownRuntimes = map[string]Kind{
	"nodejs8": KindNode, "nodejs10": KindNode, "nodejs12": KindNode, "nodejs14": KindNode,
	"nodejs16": KindNode, "nodejs18": KindNode, "nodejs20": KindNode, "nodejs22": KindNode,
	"python3": KindPython, "python3.9": KindPython, "python3.10": KindPython,
	"python3.11": KindPython, "python3.12": KindPython,
	"custom": KindCustom, "custom.debian10": KindCustom, "custom.debian11": KindCustom,
	"custom.debian12": KindCustom,
	// Yun's own: a WASI preview 1 module; the handler names the module file.
	"wasm.wasip1":      KindWasm,
	"custom-container": KindUnknown, "go1": KindUnknown, "java8": KindUnknown,
	"java11": KindUnknown, "php7.2": KindUnknown, "dotnetcore3.1": KindUnknown,
}

// RuntimeKind returns the kind of a runtime name, KindUnknown if Yun cannot run it.
func RuntimeKind(name string) Kind { return knownRuntimes[name] }

// KnownRuntime says whether FC documents the name at all.
func KnownRuntime(name string) bool {
	_, ok := knownRuntimes[name]
	return ok
}

// IsCustom says whether the runtime runs the user's own server.
func IsCustom(name string) bool { return strings.HasPrefix(name, "custom") }
