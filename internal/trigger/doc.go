// Package trigger is Yun's timer triggers: it parses FC's cron expressions
// and fires each enabled timer on its schedule by handing a TimerFire (FC's
// timer event {triggerTime, triggerName, payload} and a task id) to a Fire
// function, which submits it as an async invocation. HTTP triggers are routes
// in package api.
//
// # Expressions
//
// See ParseCron: six-field cron with seconds (cron(0 0 20 * * *) or bare),
// @every <duration> (at least 1s), descriptors (@daily), and a time zone as
// a CRON_TZ= prefix or Timer.TimeZone. Fields are read in UTC by default, as
// FC does. Day-of-week is 0–6 (0 = Sunday) or SUN–SAT; ? means *.
//
// # Firing
//
// One goroutine sleeps until the earliest next fire of the enabled timers,
// fires what is due (calling Fire one fire at a time), and sleeps again; Add,
// Update and Remove wake it. triggerTime is the scheduled time, not the time
// the loop woke. A loop that wakes late fires each due timer once and skips
// the slots it overslept, instead of firing them in a burst.
//
// In a cluster every node keeps every timer but only the node whose Leader
// says so calls Fire; the others advance silently. TimerFire.TaskID is
// derived from the timer and the scheduled time, so that if two nodes both
// fire one slot during a change of leader, the async service refuses the
// second submission of that task id and the function runs once.
//
// # Fires missed while Yun was down
//
// No catch-up beyond one fire: when a timer is added with a LastFire (the
// Scheduled time of its last fire, which the caller persists from each
// TimerFire), and a scheduled time fell after LastFire, at most MissedGrace
// ago (default 5 minutes), the timer fires once at once for the most recent
// such time. Older missed fires, and all but the latest, are dropped: a
// daily report missed for a week runs once, not seven times, and only if
// its slot was a few minutes ago (a quick restart). A timer without LastFire
// (new, or not persisted) fires next on its schedule. Update never makes up
// a fire.
//
// # Lifecycle
//
// NewScheduler, then Add timers, Start, and Close, which cancels a Fire in
// progress and waits for the goroutine. The scheduler keeps no state on
// disk; timers come from the store through Add.
package trigger
