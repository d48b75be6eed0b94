// Package jail confines one process tree on Linux: its own PID, mount, IPC,
// UTS and network namespaces, the program in a user namespace of its own
// where the host allows it (Spec.UserNamespace, userns_linux.go), a
// read-only root made of the host's runtime directories, an unprivileged
// uid/gid with no capabilities, no_new_privs and a seccomp filter, inside a
// cgroup that limits memory (no swap), CPU and the number of processes. The
// process engine (package process) runs every instance in one.
//
// A jail is started by re-running the current executable as the jail's
// init: Command builds an exec.Cmd whose child is /proc/self/exe with argv[0]
// set to a marker, in new namespaces. An init function of this package
// recognises the marker before main runs (a string comparison, so every other
// process pays nothing), reads the Spec from file descriptor 3, builds the
// root, drops privileges, installs the filter and starts the program. Any
// binary that links this package can start jails: yun itself and the test
// binaries alike.
//
//	host                                   init (pid 1 of the jail)
//	Launch.Start: clone into namespaces →  wait for the spec on fd 3
//	Cgroup.Add(pid)
//	Launch.Release: write spec, close   →  mounts, pivot_root, lo up, hostname,
//	                                       drop privileges, seccomp, start the
//	                                       program (through a second stage
//	                                       in its user namespace)
//	read fd 4 until EOF                 ←  close fd 4 (a report instead if
//	                                       anything failed)
//	                                       reap orphans, forward signals, exit
//	                                       with the program's status
//
// The init stays as pid 1 rather than exec'ing the program: pid 1 ignores
// the signals it has no handler for (a runtime would not stop on SIGTERM),
// and the processes orphaned inside are re-parented to it, which must reap
// them or they hold their pids against the pids limit.
//
// Invariants:
//   - The jail joins its cgroup before it runs any code it was given:
//     Release is the only way past the init's first read, and the engine
//     calls it after Cgroup.Add.
//   - When the program exits, the init exits, and the kernel kills
//     everything else in the PID namespace, whatever process group or
//     session it moved to. The init and the program die with the host's
//     engine (parent-death signal).
//   - Nothing of the host is visible inside but what the Spec binds,
//     read-only, nosuid and nodev; the jail's files live in tmpfs mounts that
//     vanish with its mount namespace. Cgroups are the only host state a jail
//     leaves, and Cgroup.Remove and Host.CleanCgroups remove them.
//   - The init and the program run with the jail's uid, no capabilities in
//     any set, no_new_privs and the seccomp filter (seccomp_linux.go). With
//     Spec.UserNamespace the program is in a user namespace that maps only
//     that uid and gid and owns none of the jail's other namespaces; the
//     init and the namespaces it made stay in the initial one.
//   - Host (made by Probe) has checked, by building a real jail, that this
//     machine can do all of the above; without it nothing here is attempted.
//
// Pre-warmed jails (slot_linux.go) are built before their program is known:
// Spec.Deferred makes the init wait after the build for an Exec (the
// program) on the spec descriptor, and Bind.Receive binds a slot — a host
// directory that is a shared mount — as a slave, so that the code, layers
// and /tmp the host later mounts on the slot (read-only where it must be,
// before the mount is attached) appear inside the running jail. Nothing
// propagates from a jail to the host: every other mount of the jail is
// private.
//
// The jail brings up only the loopback interface; the engine may give the
// namespace more from the host (package egress). The host reaches a
// jail's servers with Host.Dial, which creates the socket inside the jail's
// namespace; connections are kept alive by their users, so this costs once
// per connection.
package jail
