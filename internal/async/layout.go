package async

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/yun-fc/yun/internal/fc"
)

// The JetStream layout; see the package doc.
const (
	streamName     = "YUN_ASYNC"
	subjectPrefix  = "yun.async."
	streamSubjects = subjectPrefix + "*.*"
	bucketName     = "YUN_ASYNC_TASKS"
	stopSubject    = "yun.control.async.stop"
	// dedupWindow is how long JetStream remembers a Nats-Msg-Id.
	dedupWindow = 2 * time.Minute
	// maxMessage bounds one message: an async payload and its headers.
	maxMessage = fc.MaxAsyncPayload + 16<<10
)

// Suffixes of the keys that hold a task's bulky parts beside its record.
const (
	payloadSuffix = ".payload"
	resultSuffix  = ".result"
)

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// fnRef names one function of one account: a subject, a consumer, a key prefix.
type fnRef struct {
	account, function string
}

func (f fnRef) valid() error {
	if !tokenRE.MatchString(f.account) {
		return fc.InvalidArgument("account id %q is invalid", f.account)
	}
	return fc.ValidName(f.function)
}

// subject is where the function's invocations are queued.
func (f fnRef) subject() string { return subjectPrefix + f.account + "." + f.function }

// consumer is the name of the function's durable consumer, the same on
// every node. Names are hashed because account and function may both hold '_'.
func (f fnRef) consumer() string {
	sum := sha256.Sum256([]byte(f.subject()))
	return "fn_" + hex.EncodeToString(sum[:10])
}

// taskKey is the key of a task's record: {account}.{function}.{taskId}.
func (f fnRef) taskKey(taskID string) string { return f.account + "." + f.function + "." + taskID }

// keyFilter matches the records, and only the records, of the function.
func (f fnRef) keyFilter() string { return f.account + "." + f.function + ".*" }

func (f fnRef) String() string { return f.account + "/" + f.function }

// refFromSubject parses yun.async.{account}.{function}.
func refFromSubject(subject string) (fnRef, bool) {
	rest, ok := strings.CutPrefix(subject, subjectPrefix)
	if !ok {
		return fnRef{}, false
	}
	account, function, ok := strings.Cut(rest, ".")
	f := fnRef{account, function}
	return f, ok && f.valid() == nil
}

func streamConfig(cfg *Config) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        streamName,
		Description: "Yun asynchronous invocations, one subject per function",
		Subjects:    []string{streamSubjects},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    cfg.Replicas,
		Duplicates:  dedupWindow,
		MaxMsgSize:  maxMessage,
		Discard:     jetstream.DiscardNew,
		// One subject per function: a full function refuses new
		// submissions (isQueueFull, queueFull) and leaves the others alone.
		MaxMsgsPerSubject:    int64(cfg.MaxQueuedPerFunction),
		DiscardNewPerSubject: true,
	}
}

func bucketConfig(cfg *Config) jetstream.KeyValueConfig {
	return jetstream.KeyValueConfig{
		Bucket:      bucketName,
		Description: "Yun async task records: {account}.{function}.{taskId}[.payload|.result]",
		History:     1,
		TTL:         cfg.TaskRetention,
		Storage:     jetstream.FileStorage,
		Replicas:    cfg.Replicas,
	}
}

func consumerConfig(cfg *Config, f fnRef) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:           f.consumer(),
		Description:       fmt.Sprintf("async invocations of %s", f),
		FilterSubject:     f.subject(),
		AckPolicy:         jetstream.AckExplicitPolicy,
		AckWait:           cfg.AckWait,
		MaxDeliver:        -1,
		MaxAckPending:     cfg.MaxPendingPerFunction,
		InactiveThreshold: consumerInactive,
		Replicas:          cfg.Replicas,
	}
}

// consumerInactive is how long a function's consumer outlives its last pull.
// Nothing is lost when it goes: the messages stay in the stream.
const consumerInactive = time.Hour
