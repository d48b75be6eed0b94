package trigger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/yun-fc/yun/internal/fc"
)

// Timer is one timer trigger as the Scheduler keeps it.
type Timer struct {
	// ID names the timer uniquely, e.g. {account}/{function}/{trigger}.
	ID          string
	AccountID   string
	Function    string
	Qualifier   string
	TriggerName string
	// CronExpression, Payload and Enabled come from the trigger's
	// triggerConfig (fc.TimerTriggerConfig). A disabled timer is kept but
	// does not fire.
	CronExpression string
	Payload        string
	Enabled        bool
	// TimeZone is where cron fields are read when the expression has no
	// CRON_TZ= prefix; empty means UTC.
	TimeZone string
	// LastFire is the scheduled time of the timer's last fire, as the caller
	// recorded it from TimerFire.Scheduled (zero: unknown). Add uses it to
	// make up for a fire missed while Yun was down; see the package doc.
	LastFire time.Time
}

// FromConfig builds a Timer from a trigger's decoded configuration.
func FromConfig(id, accountID, function, qualifier, triggerName string, c *fc.TimerTriggerConfig) Timer {
	return Timer{ID: id, AccountID: accountID, Function: function, Qualifier: qualifier, TriggerName: triggerName,
		CronExpression: c.CronExpression, Payload: c.Payload, Enabled: c.Enable}
}

// maxPayload bounds a timer's payload so that its event fits an async
// invocation (fc.MaxAsyncPayload) with room for the other fields.
const maxPayload = fc.MaxAsyncPayload - 1024

// ValidateConfig checks a timer trigger's configuration: its cron
// expression and the size of its payload. Errors are *fc.Error
// InvalidArgument.
func ValidateConfig(c *fc.TimerTriggerConfig) error {
	if len(c.Payload) > maxPayload {
		return fc.InvalidArgument("triggerConfig.payload has %d bytes, more than %d", len(c.Payload), maxPayload)
	}
	_, err := ParseCron(c.CronExpression, "")
	return err
}

// TimerFire is one fire of a timer: the async invocation to submit.
type TimerFire struct {
	TimerID     string
	AccountID   string
	Function    string
	Qualifier   string
	TriggerName string
	// Scheduled is the time the fire was due (what triggerTime says).
	Scheduled time.Time
	// TaskID is the same for the same timer and time on every node, so a
	// fire submitted twice (a leader change at the wrong moment) runs once.
	TaskID string
	// Event is FC's timer event, the invocation's payload.
	Event []byte
}

// Event is FC's timer trigger event (aliyun/fc-runtime-go-sdk events.TimerEvent).
type Event struct {
	TriggerTime string `json:"triggerTime"` // RFC 3339, UTC, seconds
	TriggerName string `json:"triggerName"`
	Payload     string `json:"payload"`
}

func (t *Timer) fire(scheduled time.Time) TimerFire {
	ev, _ := json.Marshal(Event{ // strings only: cannot fail
		TriggerTime: scheduled.UTC().Format(time.RFC3339), TriggerName: t.TriggerName, Payload: t.Payload,
	})
	sum := sha256.Sum256([]byte(t.ID))
	return TimerFire{
		TimerID: t.ID, AccountID: t.AccountID, Function: t.Function, Qualifier: t.Qualifier, TriggerName: t.TriggerName,
		Scheduled: scheduled, Event: ev,
		TaskID: fc.TimerTaskPrefix + hex.EncodeToString(sum[:8]) + "_" + strconv.FormatInt(scheduled.Unix(), 10),
	}
}
