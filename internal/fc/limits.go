package fc

// Documented FC 3.0 limits (fc3-api.md §9) that Yun enforces.
const (
	MaxSyncPayload     = 32 << 20  // bytes, InvokeFunction sync body
	MaxAsyncPayload    = 128 << 10 // bytes, async body
	MaxZipFile         = 100 << 20 // bytes of decoded code.zipFile
	MaxTailLog         = 4 << 10   // bytes of x-fc-log-result before base64
	MaxEnvBytes        = 4 << 10   // bytes of all environment variables together
	MaxDescription     = 256
	MinMemorySize      = 128
	MaxMemorySize      = 32768
	MemoryStep         = 64
	MinTimeout         = 1
	MaxTimeout         = 86400
	MaxInitTimeout     = 300
	MaxPreStopTimeout  = 90
	MaxConcurrency     = 200
	MinCPU             = 0.05
	MaxCPU             = 16
	DefaultPort        = 9000
	DefaultMemorySize  = 512
	DefaultCPU         = 0.35
	DefaultTimeout     = 3
	DefaultDiskSize    = 512
	DefaultConcurrency = 1
	DefaultInitTimeout = 3
)

// DiskSizes are the temporary disk sizes FC offers, in MB.
var DiskSizes = []int{512, 10240}
