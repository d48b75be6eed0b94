package process

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/yun-fc/yun/internal/fc"
	"github.com/yun-fc/yun/internal/sandbox"
	"github.com/yun-fc/yun/internal/sandbox/process/jail"
)

// defaultPath is the PATH of every instance.
const defaultPath = "/usr/local/bin:/usr/bin:/bin"

// errNoCommand is the InitError cause of a custom runtime with nothing to run.
var errNoCommand = errors.New("custom runtime: no customRuntimeConfig.command and no executable file 'bootstrap' in the code root")

// launchPlan is what an instance process is made from. Paths are as the
// instance sees them; hostCodeDir is where the engine finds the code.
type launchPlan struct {
	spec        *sandbox.Spec
	id          string
	codeDir     string // absolute
	hostCodeDir string // absolute; codeDir itself without the sandbox
	tmpDir      string // HOME and TMPDIR
	port        int
	rootDir     string       // sandbox: the host directory the jail's root is mounted on
	uid         int          // sandbox: the instance's uid and gid
	confined    *confinement // nil without the sandbox
	// prewarm launches a sandbox ahead of its function (prewarm.go): spec
	// names only the runtime, and the code, layers and /tmp come at claim.
	prewarm  bool
	heldPort bool              // port came from freePort
	paths    map[string]string // NODE_PATH and PYTHONPATH for the spec's layers
}

// command builds the process of an instance. It is the one place that
// decides how an instance process is made: plain, or the init of a jail
// (then p.confined.launch holds it). An *sandbox.InitError is the user's
// configuration at fault.
func (e *Engine) command(p *launchPlan) (*exec.Cmd, error) {
	env := e.environ(p)
	argv, err := e.argv(p, env)
	if err != nil {
		return nil, &sandbox.InitError{Body: errorBody(err.Error(), sandbox.ErrorInitialization), Err: err}
	}
	if p.confined != nil {
		js, err := e.iso.jailSpec(p, argv, env)
		if err != nil {
			return nil, err
		}
		l, err := jail.Command(js)
		if err != nil {
			return nil, err
		}
		p.confined.launch = l
		return l.Cmd, nil
	}
	return &exec.Cmd{
		Path: argv[0],
		Args: argv,
		Env:  env,
		Dir:  p.codeDir,
		SysProcAttr: &syscall.SysProcAttr{
			Setpgid: true,
			// Signalled when the thread that forked exits. Go does not end
			// threads that are not locked, so in practice: when Yun exits.
			Pdeathsig: syscall.SIGKILL,
		},
	}, nil
}

// argv returns the program and arguments of the instance.
func (e *Engine) argv(p *launchPlan, env []string) ([]string, error) {
	boot := e.bootstrap
	if p.confined != nil {
		boot = bootstrapFiles{node: bootstrapMount + "/" + filepath.Base(boot.node),
			python: bootstrapMount + "/" + filepath.Base(boot.python)}
	}
	switch fc.RuntimeKind(p.spec.Runtime) {
	case fc.KindNode:
		return []string{e.node.path, boot.node}, nil
	case fc.KindPython:
		// -B: never write __pycache__ into the (shared) code directory.
		return []string{e.python.path, "-B", boot.python}, nil
	case fc.KindCustom:
		if p.prewarm { // the jail waits for the command (Engine.claim)
			return nil, nil
		}
		if p.confined != nil {
			return confinedCustomArgv(p)
		}
		return customArgv(p, lookupEnv(env, "PATH"))
	}
	return nil, fmt.Errorf("runtime %q: %w", p.spec.Runtime, ErrRuntimeUnavailable)
}

// customArgv is customRuntimeConfig.command + args, or the code root's
// executable bootstrap when there is no command (FC's convention).
func customArgv(p *launchPlan, path string) ([]string, error) {
	if len(p.spec.Command) == 0 {
		boot := filepath.Join(p.codeDir, "bootstrap")
		if !isExecutable(boot) {
			return nil, errNoCommand
		}
		return append([]string{boot}, rewriteCode(p.spec.Args, p.codeDir)...), nil
	}
	argv := rewriteCode(slices.Concat(p.spec.Command, p.spec.Args), p.codeDir)
	prog, err := lookPath(argv[0], path, p.codeDir)
	if err != nil {
		return nil, fmt.Errorf("custom runtime command %q: %w", argv[0], err)
	}
	argv[0] = prog
	return argv, nil
}

// confinedCustomArgv is customRuntimeConfig.command + args as given: the
// code is at /code and the program is looked up inside the jail. Only the
// missing bootstrap is found out here.
func confinedCustomArgv(p *launchPlan) ([]string, error) {
	if len(p.spec.Command) == 0 {
		if !isExecutable(filepath.Join(p.hostCodeDir, "bootstrap")) {
			return nil, errNoCommand
		}
		return append([]string{codeMount + "/bootstrap"}, p.spec.Args...), nil
	}
	return slices.Concat(p.spec.Command, p.spec.Args), nil
}

// rewriteCode maps "/code" and "/code/..." to codeDir, for instances
// without the sandbox, where nothing is mounted there.
func rewriteCode(args []string, codeDir string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == codeMount || strings.HasPrefix(a, codeMount+"/") {
			a = codeDir + strings.TrimPrefix(a, codeMount)
		}
		out[i] = a
	}
	return out
}

// lookPath finds prog as the instance would: a name with a slash is a path
// (relative to the code dir), a bare name is searched in the instance's PATH.
func lookPath(prog, path, codeDir string) (string, error) {
	if strings.Contains(prog, "/") {
		if !filepath.IsAbs(prog) {
			prog = filepath.Join(codeDir, prog)
		}
		if !isExecutable(prog) {
			return "", fmt.Errorf("%q is not an executable file", prog)
		}
		return prog, nil
	}
	for _, dir := range filepath.SplitList(path) {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(codeDir, dir)
		}
		if candidate := filepath.Join(dir, prog); isExecutable(candidate) {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("not found in PATH %q", path)
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// environ is the instance's whole environment (see environ), or the
// pre-warmed runtime's until it is claimed.
func (e *Engine) environ(p *launchPlan) []string {
	if p.prewarm {
		return []string{"PATH=" + defaultPath, "HOME=" + p.tmpDir, "TMPDIR=" + p.tmpDir, "LANG=C.UTF-8",
			"YUN_PREWARM=1", "FC_CUSTOM_LISTEN_PORT=" + strconv.Itoa(p.port)}
	}
	p.paths = e.modulePaths(p)
	return environ(p)
}

// modulePaths are NODE_PATH and PYTHONPATH where FC's runtimes look for
// the libraries of layers: under /opt in the sandbox, in each layer's own
// directory (the last layer first) without it.
func (e *Engine) modulePaths(p *launchPlan) map[string]string {
	roots := []string{"/opt"}
	if e.iso == nil {
		roots = nil
		for _, l := range slices.Backward(p.spec.Layers) {
			roots = append(roots, l)
		}
	}
	if len(roots) == 0 {
		return nil
	}
	var dirs []string
	switch fc.RuntimeKind(p.spec.Runtime) {
	case fc.KindNode:
		for _, r := range roots {
			dirs = append(dirs, fmt.Sprintf("%s/nodejs/node%d/node_modules", r, e.node.major), r+"/nodejs/node_modules")
		}
		return map[string]string{"NODE_PATH": strings.Join(dirs, ":")}
	case fc.KindPython:
		for _, r := range roots {
			dirs = append(dirs, r+"/python", fmt.Sprintf("%s/python/lib/python3.%d/site-packages", r, e.python.minor))
		}
		return map[string]string{"PYTHONPATH": strings.Join(dirs, ":")}
	}
	return nil
}

// environ is the instance's whole environment: a clean base (with the
// layers' module paths), the user's variables over it, and the FC_*
// variables over both.
func environ(p *launchPlan) []string {
	s := p.spec
	vars := map[string]string{"PATH": defaultPath, "HOME": p.tmpDir, "TMPDIR": p.tmpDir, "LANG": "C.UTF-8"}
	for k, v := range p.paths {
		vars[k] = v
	}
	for k, v := range s.Env {
		vars[k] = v
	}
	vars["FC_FUNC_CODE_PATH"] = p.codeDir
	vars["FC_FUNCTION_NAME"] = s.Function
	vars["FC_FUNCTION_HANDLER"] = s.Handler
	vars["FC_FUNCTION_MEMORY_SIZE"] = strconv.Itoa(s.MemoryMB)
	vars["FC_TIMEOUT"] = seconds(invokeTimeout(s))
	vars["FC_REGION"] = s.Region
	vars["FC_ACCOUNT_ID"] = s.AccountID
	vars["FC_INSTANCE_ID"] = p.id
	vars["FC_CUSTOM_LISTEN_PORT"] = strconv.Itoa(p.port)
	vars["FC_RUNTIME"] = s.Runtime
	if s.Initializer != nil {
		vars["FC_INITIALIZER_HANDLER"] = s.Initializer.Handler
		vars["FC_INITIALIZATION_TIMEOUT"] = seconds(hookTimeout(s.Initializer))
	}
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	slices.Sort(env)
	return env
}

func lookupEnv(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}
